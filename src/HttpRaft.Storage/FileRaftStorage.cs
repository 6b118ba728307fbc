using System.Buffers;
using HttpRaft.Consensus;
using Microsoft.Extensions.Logging;

namespace HttpRaft.Storage;

/// <summary>
/// The durable log: a write-ahead log of checksummed records in segment files under one locked data directory, and
/// the snapshot that replaced its compacted prefix. Entries and hard states are both records; each <see cref="Save"/>
/// appends its whole batch with one write (one per <see cref="BatchPieceBytes"/> of records for a larger batch) and,
/// when asked to sync, one fsync (group commit). A suffix truncation is
/// not done in place: the replacing entries are appended and, on replay, an entry at or below the last index
/// replaces everything from there on. The format is described in docs/storage-format.md.
/// </summary>
/// <remarks>
/// Memory: the index (about 2 bytes per entry plus one pair per term and segment run, released with the compacted
/// prefix), a bounded cache of the newest entries and a write buffer under twice <see cref="BatchPieceBytes"/>, whatever
/// size of batch a catch-up delivers; every other read goes to the segment files through
/// <see cref="RandomAccess"/>. Open files: the current segment, and at most <see cref="ReadHandles"/> older ones.
/// <see cref="ReadRange"/> may run on any thread: it takes the lock only to look positions up, never during disk
/// I/O, and sees an entry only after the <see cref="Save"/> that wrote it has finished writing (and syncing) it.
/// </remarks>
public sealed partial class FileRaftStorage : IRaftStorage, IDisposable
{
    /// <summary>Read handles of older segments kept open at most.</summary>
    public const int ReadHandles = 8;

    /// <summary>
    /// The most a save puts in one write: a batch whose records come to more (a follower catching up can be handed
    /// MaxInflightMessages × MaxAppendBytes in one batch) is written in pieces of about this size, one write each and
    /// still one fsync for all, so the write buffer, which lives as long as the storage, stays under twice this size
    /// rather than grow to the largest batch ever saved (64 MiB, kept for good after one catch-up, before it was).
    /// </summary>
    internal const int BatchPieceBytes = 4 * 1024 * 1024;

    private const int InitialBatchBytes = 64 * 1024;

    private readonly StorageOptions options;
    private readonly string directory;
    private readonly ILogger logger;
    private readonly DirectoryLock directoryLock;
    private readonly List<SegmentFile> segments = [];
    private readonly LogIndex log = new();
    private readonly List<long> controlEntryIndexes = [];
    private readonly TailCache cache;
    private readonly Lock gate = new();
    private ArrayBufferWriter<byte> batch = new(InitialBatchBytes);
    private readonly OpenFileCount openFiles = new();
    private readonly SegmentReaders readers;
    private HardState hardState = HardState.Empty;

    /// <summary>The segment holding the last hard-state record: it must outlive any deletion, or the vote is lost (loop only).</summary>
    private long hardStateSegment;

    private long nextSequence = 1;
    private long syncs;
    private bool disposed;

    /// <summary>Opens (or creates) the log in <see cref="StorageOptions.Directory"/>, locks it and recovers what it holds.</summary>
    /// <exception cref="DataDirectoryLockedException">Another node holds the directory.</exception>
    /// <exception cref="StorageCorruptedException">A record before the tail is damaged, the log has a gap, a snapshot is damaged, or the log ends before its saved commit index.</exception>
    /// <exception cref="StorageFormatException">A file is in a format version this release does not read.</exception>
    public FileRaftStorage(StorageOptions options, ILogger<FileRaftStorage>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        this.logger = OrNull(logger);
        directory = Path.GetFullPath(options.Directory);
        Directory.CreateDirectory(directory);
        directoryLock = DirectoryLock.Acquire(directory);
        cache = new TailCache(options.CacheEntries, options.CacheBytes);
        readers = new SegmentReaders(ReadHandles, openFiles);
        try
        {
            Recover();
        }
        catch
        {
            Dispose();
            throw;
        }
        LogOpened();
    }

    /// <summary>Called after each durable step of a compaction, install or roll: tests throw from it to simulate a crash there.</summary>
    internal Action<StorageStep>? StepHook { get; set; }

    /// <summary>The write buffer's size now, for tests.</summary>
    internal int BatchBufferCapacity => batch.Capacity;

    /// <summary>The data directory, as a full path.</summary>
    public string DirectoryPath => directory;

    /// <summary>How many fsyncs this storage has issued (files and directory), for tests and metrics.</summary>
    public long SyncCount => Interlocked.Read(ref syncs);

    /// <summary>How many segment files the log spans.</summary>
    public int SegmentCount
    {
        get { lock (gate) return segments.Count; }
    }

    /// <summary>Bytes the segment files and the snapshot hold (written so far).</summary>
    public long DiskBytes => Statistics.DiskBytes;

    /// <summary>
    /// Called on the saving thread after each fsync of a segment with how long it took, in seconds (for metrics). It
    /// must be cheap and must not throw; set it before the first <see cref="Save"/>.
    /// </summary>
    public Action<double>? SyncTimed { get; set; }

    /// <summary>The fsync policy in force.</summary>
    public FsyncPolicy Fsync => options.Fsync;

    /// <summary>Approximate bytes of the in-memory index (not counting the cache).</summary>
    public long IndexMemoryBytes
    {
        get { lock (gate) return log.MemoryBytes; }
    }

    public HardState HardState
    {
        get { lock (gate) return hardState; }
    }

    public long FirstIndex
    {
        get { lock (gate) return log.FirstIndex; }
    }

    public long LastIndex
    {
        get { lock (gate) return log.LastIndex; }
    }

    public Snapshot? Snapshot
    {
        get { lock (gate) return snapshot; }
    }

    public StorageStatistics Statistics
    {
        get
        {
            lock (gate)
            {
                return new StorageStatistics
                {
                    DataDirectory = directory,
                    Fsync = options.Fsync,
                    Segments = segments.Count,
                    DiskBytes = segments.Sum(segment => segment.Length) + snapshotFileBytes,
                    FirstIndex = log.FirstIndex,
                    LastIndex = log.LastIndex,
                    SnapshotIndex = snapshot?.Index ?? 0,
                    OpenFiles = openFiles.Value,
                    Syncs = SyncCount,
                };
            }
        }
    }

    public IReadOnlyList<SegmentSummary> Segments()
    {
        List<(long First, SegmentFile File)> held;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            held = [.. log.SegmentRuns.Select(run => (run.First, SegmentOf(run.Segment)))];
        }
        return [.. held.Select(h => new SegmentSummary(h.First, h.File.Length, File.GetLastWriteTimeUtc(h.File.Path)))];
    }

    public long Term(long index)
    {
        lock (gate)
        {
            // The entry before the first is the snapshot's last (or index 0, term 0, before any snapshot).
            if (index == log.FirstIndex - 1) return snapshot?.Term ?? 0;
            return log.TermOf(index);
        }
    }

    public IReadOnlyList<long> ControlEntryIndexes
    {
        get { lock (gate) return [.. controlEntryIndexes]; }
    }

    public IReadOnlyList<Entry> Entries(long low, long high, long maxBytes)
    {
        long first, last;
        lock (gate) (first, last) = (log.FirstIndex, log.LastIndex);
        if (low < first || high > last + 1 || low > high) throw new ArgumentOutOfRangeException(nameof(low), $"[{low}, {high}) is outside [{first}, {last + 1}).");
        return Read(low, high, maxBytes);
    }

    public IReadOnlyList<Entry> ReadRange(long low, long high)
    {
        long first, last;
        lock (gate) (first, last) = (log.FirstIndex, log.LastIndex);
        low = Math.Max(low, first);
        high = Math.Min(high, last + 1);
        return low < high ? Read(low, high, long.MaxValue) : [];
    }

    public void Save(HardState? hardState, IReadOnlyList<Entry> entries, bool sync)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ObjectDisposedException.ThrowIf(disposed, this);
        if (entries.Count == 0 && hardState is null) return;
        var first = entries.Count > 0 ? entries[0].Index : 0;
        CheckAppendable(entries, first);

        var segment = CurrentSegmentFor(entries.Count > 0);
        var sequence = (int)segment.Sequence;
        var positions = entries.Count > 0 ? new long[entries.Count] : [];
        batch.ResetWrittenCount();
        for (var i = 0; i < entries.Count; i++)
        {
            var bytes = RecordFrame.EntryBytes(entries[i]);
            if (batch.WrittenCount > 0 && batch.WrittenCount + bytes > BatchPieceBytes)
            {
                // Not visible to readers yet (the index learns of the batch below), and recovery treats a crash
                // between pieces as a torn tail, as it would a torn single write.
                segment.Append(batch.WrittenSpan);
                batch.ResetWrittenCount();
            }
            positions[i] = LogIndex.Pack(sequence, segment.Length + batch.WrittenCount);
            RecordFrame.WriteEntry(batch, entries[i]);
        }
        if (hardState is { } state) RecordFrame.WriteHardState(batch, state);
        segment.Append(batch.WrittenSpan);
        if (sync) Sync(segment);
        // A record larger than a piece grew the buffer past the bound: it goes, rather than stay that size for good.
        if (batch.Capacity > 2 * BatchPieceBytes) batch = new ArrayBufferWriter<byte>(InitialBatchBytes);
        if (hardState is not null) hardStateSegment = segment.Sequence;

        // Durable (or at least written): now readers may see it.
        lock (gate)
        {
            if (entries.Count > 0)
            {
                log.TruncateFrom(first);
                cache.TruncateFrom(first);
                controlEntryIndexes.RemoveAll(index => index >= first);
                for (var i = 0; i < entries.Count; i++)
                {
                    log.Add(entries[i].Index, entries[i].Term, positions[i]);
                    cache.Add(entries[i]);
                    if (Entry.IsControl(entries[i].Kind)) controlEntryIndexes.Add(entries[i].Index);
                }
            }
            if (hardState is { } saved) this.hardState = saved;
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
        }
        foreach (var segment in segments) segment.CloseWriter();
        readers.Clear();
        directoryLock.Dispose();
    }

    private void CheckAppendable(IReadOnlyList<Entry> entries, long first)
    {
        if (entries.Count == 0) return;
        long firstIndex, last;
        lock (gate) (firstIndex, last) = (log.FirstIndex, log.LastIndex);
        if (first < firstIndex) throw new ArgumentException($"Entry {first} is below the first index {firstIndex}: entries up to {firstIndex - 1} are in the snapshot.", nameof(entries));
        if (first > last + 1) throw new ArgumentException($"Entry {first} would leave a gap after {last}.", nameof(entries));
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Index != first + i) throw new ArgumentException($"Entries must be consecutive: {entries[i].Index} follows {entries[i - 1].Index}.", nameof(entries));
            if (!RecordFrame.IsDefinedKind(entries[i].Kind)) throw new ArgumentException($"Entry {entries[i].Index} has kind {(byte)entries[i].Kind}, which the core does not define.", nameof(entries));
        }
    }

    /// <summary>The segment to append to: the current one, or a new one when there is none, the last is full and entries follow, or the last is format 1.</summary>
    private SegmentFile CurrentSegmentFor(bool appendingEntries)
    {
        var current = segments.Count > 0 ? segments[^1] : null;
        if (current is { IsWritable: true } && (!appendingEntries || current.Length < options.SegmentBytes)) return current;
        long baseIndex;
        lock (gate) baseIndex = log.LastIndex + 1;
        return Roll(baseIndex, reset: false, []);
    }

    /// <summary>Starts the next segment (whole, with <paramref name="firstRecords"/> after its header) and makes it the current one.</summary>
    private SegmentFile Roll(long baseIndex, bool reset, ReadOnlySpan<byte> firstRecords)
    {
        var previous = segments.Count > 0 ? segments[^1] : null;
        // A closed segment is whole on disk, so only the last can have a torn tail.
        if (previous is { IsWritable: true }) Sync(previous);
        var always = options.Fsync == FsyncPolicy.Always;
        var next = SegmentFile.Create(directory, nextSequence, baseIndex, reset, firstRecords, always, openFiles, StepHook);
        if (always) Interlocked.Add(ref syncs, 2);
        nextSequence++;
        lock (gate) segments.Add(next);
        previous?.CloseWriter();
        return next;
    }

    private void Sync(SegmentFile segment)
    {
        if (options.Fsync != FsyncPolicy.Always) return;
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        segment.Sync();
        SyncTimed?.Invoke(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds);
        Interlocked.Increment(ref syncs);
    }

    /// <summary>The segment with sequence number <paramref name="sequence"/>; call under the lock.</summary>
    private SegmentFile SegmentOf(long sequence) => segments[(int)(sequence - segments[0].Sequence)];

    private void LogOpened() => StorageLog.Opened(logger, directory, segments.Count, log.FirstIndex, log.LastIndex, snapshot?.Index ?? 0, hardState.Term, hardState.Commit);

    private static ILogger OrNull(ILogger? logger) => logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
}

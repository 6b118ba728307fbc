using System.Buffers;
using HttpRaft.Consensus;
using Microsoft.Extensions.Logging;

namespace HttpRaft.Storage;

/// <summary>
/// The durable log: a write-ahead log of checksummed records in segment files under one locked data directory.
/// Entries and hard states are both records; each <see cref="Save"/> appends its whole batch with one write and,
/// when asked to sync, one fsync (group commit). A suffix truncation is not done in place: the replacing entries
/// are appended and, on replay, an entry at or below the last index replaces everything from there on.
/// </summary>
/// <remarks>
/// Memory: the index (8 bytes per entry plus one pair per term run) and a bounded cache of the newest entries; every
/// other read goes to the segment files through <see cref="RandomAccess"/>. <see cref="ReadRange"/> may run on any
/// thread: it takes the lock only to look positions up, never during disk I/O, and sees an entry only after the
/// <see cref="Save"/> that wrote it has finished writing (and syncing) it.
/// </remarks>
public sealed partial class FileRaftStorage : IRaftStorage, IDisposable
{
    private readonly StorageOptions options;
    private readonly string directory;
    private readonly ILogger logger;
    private readonly DirectoryLock directoryLock;
    private readonly List<SegmentFile> segments = [];
    private readonly LogIndex log = new();
    private readonly List<long> configurationIndexes = [];
    private readonly TailCache cache;
    private readonly Lock gate = new();
    private readonly ArrayBufferWriter<byte> batch = new(64 * 1024);
    private HardState hardState = HardState.Empty;
    private long syncs;
    private bool disposed;

    /// <summary>Opens (or creates) the log in <see cref="StorageOptions.Directory"/>, locks it and recovers what it holds.</summary>
    /// <exception cref="DataDirectoryLockedException">Another node holds the directory.</exception>
    /// <exception cref="StorageCorruptedException">A record before the tail is damaged, or the log has a gap.</exception>
    public FileRaftStorage(StorageOptions options, ILogger<FileRaftStorage>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.logger = OrNull(logger);
        directory = Path.GetFullPath(options.Directory);
        Directory.CreateDirectory(directory);
        directoryLock = DirectoryLock.Acquire(directory);
        cache = new TailCache(options.CacheEntries, options.CacheBytes);
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

    /// <summary>The data directory, as a full path.</summary>
    public string DirectoryPath => directory;

    /// <summary>How many fsyncs this storage has issued (files and directory), for tests and metrics.</summary>
    public long SyncCount => Interlocked.Read(ref syncs);

    /// <summary>How many segment files the log spans.</summary>
    public int SegmentCount
    {
        get { lock (gate) return segments.Count; }
    }

    /// <summary>Bytes the segment files hold (written so far).</summary>
    public long DiskBytes
    {
        get { lock (gate) return segments.Sum(segment => segment.Length); }
    }

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

    public long FirstIndex => 1;

    public long LastIndex
    {
        get { lock (gate) return log.LastIndex; }
    }

    public long Term(long index)
    {
        lock (gate) return log.TermOf(index);
    }

    public IReadOnlyList<long> ConfigurationIndexes
    {
        get { lock (gate) return [.. configurationIndexes]; }
    }

    public IReadOnlyList<Entry> Entries(long low, long high, long maxBytes)
    {
        var last = LastIndex;
        if (low < 1 || high > last + 1 || low > high) throw new ArgumentOutOfRangeException(nameof(low), $"[{low}, {high}) is outside [1, {last + 1}).");
        return Read(low, high, maxBytes);
    }

    public IReadOnlyList<Entry> ReadRange(long low, long high)
    {
        low = Math.Max(low, 1);
        high = Math.Min(high, LastIndex + 1);
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
        var ordinal = segments.Count - 1;
        var positions = entries.Count > 0 ? new long[entries.Count] : [];
        batch.ResetWrittenCount();
        for (var i = 0; i < entries.Count; i++)
        {
            positions[i] = LogIndex.Pack(ordinal, segment.Length + batch.WrittenCount);
            RecordFrame.WriteEntry(batch, entries[i]);
        }
        if (hardState is { } state) RecordFrame.WriteHardState(batch, state);
        segment.Append(batch.WrittenSpan);
        if (sync) Sync(segment);

        // Durable (or at least written): now readers may see it.
        lock (gate)
        {
            if (entries.Count > 0)
            {
                log.TruncateFrom(first);
                cache.TruncateFrom(first);
                configurationIndexes.RemoveAll(index => index >= first);
                for (var i = 0; i < entries.Count; i++)
                {
                    log.Add(entries[i].Index, entries[i].Term, positions[i]);
                    cache.Add(entries[i]);
                    if (entries[i].Kind == EntryKind.Configuration) configurationIndexes.Add(entries[i].Index);
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
        foreach (var segment in segments) segment.Dispose();
        directoryLock.Dispose();
    }

    private void CheckAppendable(IReadOnlyList<Entry> entries, long first)
    {
        if (entries.Count == 0) return;
        var last = LastIndex;
        if (first < 1 || first > last + 1) throw new ArgumentException($"Entry {first} would leave a gap after {last}.", nameof(entries));
        for (var i = 1; i < entries.Count; i++)
        {
            if (entries[i].Index != first + i) throw new ArgumentException($"Entries must be consecutive: {entries[i].Index} follows {entries[i - 1].Index}.", nameof(entries));
        }
    }

    /// <summary>The segment to append to, starting a new one when there is none or the last is full and entries follow.</summary>
    private SegmentFile CurrentSegmentFor(bool appendingEntries)
    {
        if (segments.Count > 0 && (!appendingEntries || segments[^1].Length < options.SegmentBytes)) return segments[^1];
        if (segments.Count > 0) Sync(segments[^1]); // A closed segment is whole on disk, so only the last can have a torn tail.
        var next = SegmentFile.Open(directory, segments.Count > 0 ? segments[^1].Sequence + 1 : 1, create: true);
        lock (gate) segments.Add(next);
        if (options.Fsync == FsyncPolicy.Always)
        {
            DirectorySync.Sync(directory);
            Interlocked.Increment(ref syncs);
        }
        return next;
    }

    private void Sync(SegmentFile segment)
    {
        if (options.Fsync != FsyncPolicy.Always) return;
        segment.Sync();
        Interlocked.Increment(ref syncs);
    }

    /// <summary>Entries in [low, high), which the caller has checked are stored: the cache where it can, the disk otherwise.</summary>
    /// <remarks>
    /// Entries not in the cache are read in runs: consecutive entries in one segment lie in write order (a later
    /// index is always written after an earlier one, or the earlier write would have replaced it), so one read of
    /// the span covering their records serves the run. Records are checked (checksum, type, index) as they are decoded.
    /// </remarks>
    private List<Entry> Read(long low, long high, long maxBytes)
    {
        var result = new List<Entry>((int)Math.Min(high - low, 1024));
        var offsets = new List<long>();
        long bytes = 0;
        var index = low;
        while (index < high)
        {
            SegmentFile? segment = null;
            offsets.Clear();
            Entry cached;
            lock (gate)
            {
                ObjectDisposedException.ThrowIf(disposed, this);
                if (!cache.TryGet(index, out cached)) segment = FindRun(index, high, maxBytes - bytes, offsets);
            }
            var run = segment is null ? [cached] : ReadRun(segment, offsets, index);
            foreach (var entry in run)
            {
                bytes += entry.Size;
                if (result.Count > 0 && bytes > maxBytes) return result;
                result.Add(entry);
            }
            index += run.Count;
        }
        return result;
    }

    /// <summary>
    /// Under the lock: the segment holding <paramref name="index"/> and, into <paramref name="offsets"/>, the offsets of
    /// it and of the uncached entries after it in that segment, within one read's span and about <paramref name="budget"/> bytes.
    /// </summary>
    private SegmentFile FindRun(long index, long high, long budget, List<long> offsets)
    {
        using var positions = log.PositionsFrom(index).GetEnumerator();
        positions.MoveNext();
        var (ordinal, first) = LogIndex.Unpack(positions.Current);
        offsets.Add(first);
        var span = Math.Min(MaxRunBytes, Math.Max(budget, 0));
        for (var next = index + 1; next < high && !cache.TryGet(next, out _) && positions.MoveNext(); next++)
        {
            var (nextOrdinal, at) = LogIndex.Unpack(positions.Current);
            if (nextOrdinal != ordinal || at - first > span) break;
            offsets.Add(at);
        }
        return segments[ordinal];
    }

    private const int MaxRunBytes = 1024 * 1024;
    private const int ReadAhead = 4096;

    /// <summary>Reads the records at <paramref name="offsets"/> (entries from <paramref name="firstIndex"/> on) with one read where they fit.</summary>
    private static List<Entry> ReadRun(SegmentFile segment, List<long> offsets, long firstIndex)
    {
        var start = offsets[0];
        var buffer = new byte[offsets[^1] - start + ReadAhead];
        var read = segment.Read(buffer, start);
        var entries = new List<Entry>(offsets.Count);
        for (var k = 0; k < offsets.Count; k++)
        {
            var at = (int)(offsets[k] - start);
            var whole = at + RecordFrame.HeaderBytes <= read
                && at + RecordFrame.HeaderBytes + (long)RecordFrame.PayloadLength(buffer.AsSpan(at)) <= read;
            entries.Add(whole
                ? Decode(buffer.AsSpan(at, read - at), segment, offsets[k], firstIndex + k)
                : ReadEntry(segment, offsets[k], firstIndex + k));
        }
        return entries;
    }

    /// <summary>Reads and checks one entry's record: one read for records up to 4 KiB, a second for the rest of larger ones.</summary>
    private static Entry ReadEntry(SegmentFile segment, long offset, long index)
    {
        var buffer = new byte[ReadAhead];
        var read = segment.Read(buffer, offset);
        if (read < RecordFrame.HeaderBytes) throw new StorageCorruptedException(segment.Path, offset, $"entry {index}'s record header is cut short");
        var length = RecordFrame.PayloadLength(buffer);
        if (length > RecordFrame.MaxPayloadBytes) throw new StorageCorruptedException(segment.Path, offset, $"entry {index}'s record has an impossible length {length}");
        var total = RecordFrame.HeaderBytes + length;
        if (total > buffer.Length)
        {
            Array.Resize(ref buffer, total);
            read += segment.Read(buffer.AsSpan(read), offset + read);
        }
        if (read < total) throw new StorageCorruptedException(segment.Path, offset, $"entry {index}'s record is cut short");
        return Decode(buffer, segment, offset, index);
    }

    /// <summary>Decodes the whole record at the start of <paramref name="record"/>, which must be entry <paramref name="index"/> with a good checksum.</summary>
    private static Entry Decode(ReadOnlySpan<byte> record, SegmentFile segment, long offset, long index)
    {
        var payload = record.Slice(RecordFrame.HeaderBytes, RecordFrame.PayloadLength(record));
        if (!RecordFrame.ChecksumMatches(record, payload) || !RecordFrame.IsWellFormed(payload)
            || RecordFrame.TypeOf(payload) != RecordType.Entry || RecordFrame.EntryIndex(payload) != index)
        {
            throw new StorageCorruptedException(segment.Path, offset, $"entry {index}'s record fails its checksum or is not entry {index}");
        }
        return RecordFrame.ReadEntry(payload);
    }
}

using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace HttpRaft.Storage;

/// <summary>
/// One segment of the log, <c>wal-&lt;sequence, 16 digits&gt;.seg</c>: a <see cref="SegmentHeader"/> (format 2; none
/// in format 1), then records appended at the end. Only the current segment holds a handle of its own, for
/// appending (and for reading while it is current); readers of older segments go through <see cref="SegmentReaders"/>.
/// </summary>
internal sealed class SegmentFile
{
    private const string Prefix = "wal-";
    private const string Suffix = ".seg";
    private const string TempSuffix = ".tmp";

    private readonly OpenFileCount openFiles;
    private SharedHandle? writer;
    private long length;
    private volatile bool retired;

    private SegmentFile(string path, long sequence, SegmentHeader header, long length, OpenFileCount openFiles)
    {
        Path = path;
        Sequence = sequence;
        Header = header;
        this.length = length;
        this.openFiles = openFiles;
    }

    public string Path { get; }

    public long Sequence { get; }

    public SegmentHeader Header { get; }

    public int Format => Header.Format;

    /// <summary>True while this is the segment appends go to.</summary>
    public bool IsWritable => writer is not null;

    /// <summary>Bytes written so far. Only the node loop appends; other threads may read a slightly stale value.</summary>
    public long Length
    {
        get => Volatile.Read(ref length);
        private set => Volatile.Write(ref length, value);
    }

    /// <summary>Set once the segment is deleted (or about to be): its handle must not be cached again.</summary>
    public bool Retired => retired;

    public static string NameOf(long sequence) => $"{Prefix}{sequence.ToString("D16", CultureInfo.InvariantCulture)}{Suffix}";

    /// <summary>The sequence number in a segment's file name, or null for any other file.</summary>
    public static long? SequenceOf(string fileName) =>
        fileName.StartsWith(Prefix, StringComparison.Ordinal) && fileName.EndsWith(Suffix, StringComparison.Ordinal)
        && long.TryParse(fileName.AsSpan(Prefix.Length, fileName.Length - Prefix.Length - Suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : null;

    /// <summary>Whether <paramref name="fileName"/> is a segment this code started creating and never renamed into place.</summary>
    public static bool IsLeftoverTemp(string fileName) =>
        fileName.EndsWith(TempSuffix, StringComparison.Ordinal) && SequenceOf(fileName[..^TempSuffix.Length]) is not null;

    /// <summary>
    /// Creates segment <paramref name="sequence"/> with its header and <paramref name="firstRecords"/>, whole or not at
    /// all: they are written to a temporary file, synced, and renamed into place, and the directory synced (when
    /// <paramref name="sync"/>). Returns it open for appending.
    /// </summary>
    public static SegmentFile Create(
        string directory, long sequence, long baseIndex, bool reset, ReadOnlySpan<byte> firstRecords, bool sync, OpenFileCount openFiles, Action<StorageStep>? step)
    {
        var path = System.IO.Path.Combine(directory, NameOf(sequence));
        var temp = path + TempSuffix;
        var header = SegmentHeader.Encode(baseIndex, reset);
        using (var handle = File.OpenHandle(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            RandomAccess.Write(handle, header, 0);
            RandomAccess.Write(handle, firstRecords, header.Length);
            if (sync) RandomAccess.FlushToDisk(handle);
        }
        step?.Invoke(StorageStep.SegmentTempWritten);
        File.Move(temp, path);
        if (sync) DirectorySync.Sync(directory);
        step?.Invoke(StorageStep.SegmentCreated);
        var segment = new SegmentFile(path, sequence, new SegmentHeader(SegmentHeader.CurrentFormat, SegmentHeader.Bytes, baseIndex, reset), header.Length + firstRecords.Length, openFiles);
        segment.OpenForAppending();
        return segment;
    }

    /// <summary>A segment found on disk, with its header already read; not open.</summary>
    public static SegmentFile Existing(string path, long sequence, SegmentHeader header, long length, OpenFileCount openFiles) =>
        new(path, sequence, header, length, openFiles);

    /// <summary>Opens the handle appends go through; only a format-2 segment is ever appended to.</summary>
    public void OpenForAppending()
    {
        if (Format != SegmentHeader.CurrentFormat) throw new InvalidOperationException($"{Path} is format {Format}; appends go to format-{SegmentHeader.CurrentFormat} segments only.");
        writer ??= new SharedHandle(File.OpenHandle(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete), openFiles);
    }

    /// <summary>A new read-only handle (for <see cref="SegmentReaders"/>).</summary>
    public SafeFileHandle OpenForReading() => File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    /// <summary>The writer's handle, acquired, while this segment is current; null otherwise.</summary>
    public SharedHandle? TryRentWriter() => Volatile.Read(ref writer) is { } handle && handle.TryAcquire() ? handle : null;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        RandomAccess.Write(Writer, bytes, Length);
        Length += bytes.Length;
    }

    public void Sync() => RandomAccess.FlushToDisk(Writer);

    /// <summary>Stops appending here: readers still using the handle keep it until they finish.</summary>
    public void CloseWriter()
    {
        var handle = Interlocked.Exchange(ref writer, null);
        handle?.Release();
    }

    /// <summary>Marks the segment as deleted, so no reader caches its handle again.</summary>
    public void Retire() => retired = true;

    /// <summary>Reads up to <paramref name="buffer"/>'s length at <paramref name="offset"/>; returns the bytes read.</summary>
    public static int Read(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (read == 0) break;
            total += read;
        }
        return total;
    }

    /// <summary>Cuts the file at <paramref name="validLength"/> (a torn tail found by recovery) and makes the cut durable.</summary>
    public void Truncate(long validLength)
    {
        using (var handle = File.OpenHandle(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete))
        {
            RandomAccess.SetLength(handle, validLength);
            RandomAccess.FlushToDisk(handle);
        }
        Length = validLength;
    }

    private SafeFileHandle Writer => (writer ?? throw new InvalidOperationException($"{Path} is not open for appending.")).Handle;
}

using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace HttpRaft.Storage;

/// <summary>
/// One segment of the log, <c>wal-&lt;sequence, 16 digits&gt;.seg</c>: records appended at the end. Reads go through
/// <see cref="RandomAccess"/> on the shared handle, which is safe from any thread while the loop appends.
/// </summary>
internal sealed class SegmentFile : IDisposable
{
    private const string Prefix = "wal-";
    private const string Suffix = ".seg";

    private readonly SafeFileHandle handle;

    private SegmentFile(string path, long sequence, SafeFileHandle handle, long length)
    {
        Path = path;
        Sequence = sequence;
        this.handle = handle;
        Length = length;
    }

    public string Path { get; }

    public long Sequence { get; }

    /// <summary>Bytes written so far. Only the node loop appends; other threads may read a slightly stale value.</summary>
    public long Length
    {
        get => Volatile.Read(ref length);
        private set => Volatile.Write(ref length, value);
    }

    private long length;

    public static string NameOf(long sequence) => $"{Prefix}{sequence.ToString("D16", CultureInfo.InvariantCulture)}{Suffix}";

    /// <summary>The sequence number in a segment's file name, or null for any other file.</summary>
    public static long? SequenceOf(string fileName) =>
        fileName.StartsWith(Prefix, StringComparison.Ordinal) && fileName.EndsWith(Suffix, StringComparison.Ordinal)
        && long.TryParse(fileName.AsSpan(Prefix.Length, fileName.Length - Prefix.Length - Suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : null;

    public static SegmentFile Open(string directory, long sequence, bool create)
    {
        var path = System.IO.Path.Combine(directory, NameOf(sequence));
        var handle = File.OpenHandle(path, create ? FileMode.CreateNew : FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        return new SegmentFile(path, sequence, handle, RandomAccess.GetLength(handle));
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        RandomAccess.Write(handle, bytes, Length);
        Length += bytes.Length;
    }

    /// <summary>Reads up to <paramref name="buffer"/>'s length at <paramref name="offset"/>; returns the bytes read.</summary>
    public int Read(Span<byte> buffer, long offset)
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

    public void Sync() => RandomAccess.FlushToDisk(handle);

    /// <summary>Cuts the file at <paramref name="length"/> (a torn tail found by recovery) and makes the cut durable.</summary>
    public void Truncate(long length)
    {
        RandomAccess.SetLength(handle, length);
        Length = length;
        Sync();
    }

    public void Dispose() => handle.Dispose();
}

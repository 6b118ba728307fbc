using HttpRaft.Consensus;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;

namespace HttpRaft.Storage;

/// <summary>
/// A snapshot on disk, <c>snapshot-&lt;index, 20 digits&gt;.snap</c>: <c>[magic 8][version u32][flags u32][index
/// i64][term i64][data length u32][data][CRC-32 of everything before u32]</c>, little-endian. Written whole or not
/// at all: to a temporary file, synced, renamed into place, and the directory synced.
/// </summary>
/// <remarks>
/// Every later version keeps the magic and the version where they are and the checksum in the last four bytes,
/// so this release can tell a newer snapshot from a damaged one. The <see cref="Installed"/> flag marks a snapshot
/// that replaced the whole log (InstallSnapshot), which recovery needs to finish an install cut short.
/// </remarks>
internal static class SnapshotFile
{
    public const int Version = SegmentHeader.CurrentFormat;

    /// <summary>Flag: the log was discarded for this snapshot; entries count only from the reset segment it wrote.</summary>
    public const uint Installed = 1;

    /// <summary>Largest snapshot read back, so a damaged file cannot make recovery allocate without bound.</summary>
    public const int MaxDataBytes = 1024 * 1024 * 1024;

    private const string Prefix = "snapshot-";
    private const string Suffix = ".snap";
    private const string TempSuffix = ".tmp";
    private const int FixedBytes = 36;

    private static ReadOnlySpan<byte> Magic => [0x89, (byte)'H', (byte)'R', (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'\n'];

    public static string NameOf(long index) => $"{Prefix}{index.ToString("D20", CultureInfo.InvariantCulture)}{Suffix}";

    /// <summary>The snapshot files in <paramref name="directory"/>, newest (highest index) first.</summary>
    public static List<(long Index, string Path)> List(string directory) =>
        [.. Directory.EnumerateFiles(directory, Prefix + "*" + Suffix)
            .Select(path => (Index: IndexOf(Path.GetFileName(path)), Path: path))
            .Where(file => file.Index is not null)
            .Select(file => (file.Index!.Value, file.Path))
            .OrderByDescending(file => file.Value)];

    /// <summary>Whether <paramref name="fileName"/> is a snapshot this code started writing and never renamed into place.</summary>
    public static bool IsLeftoverTemp(string fileName) =>
        fileName.EndsWith(TempSuffix, StringComparison.Ordinal) && IndexOf(fileName[..^TempSuffix.Length]) is not null;

    /// <summary>Writes <paramref name="snapshot"/> durably; returns its path.</summary>
    public static string Write(string directory, Snapshot snapshot, uint flags, bool sync, Action<StorageStep>? step)
    {
        var path = Path.Combine(directory, NameOf(snapshot.Index));
        var temp = path + TempSuffix;
        using (var handle = File.OpenHandle(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            RandomAccess.Write(handle, Encode(snapshot, flags), 0);
            if (sync) RandomAccess.FlushToDisk(handle);
        }
        step?.Invoke(StorageStep.SnapshotTempWritten);
        File.Move(temp, path, overwrite: true);
        if (sync) DirectorySync.Sync(directory);
        step?.Invoke(StorageStep.SnapshotDurable);
        return path;
    }

    /// <summary>Reads and checks the snapshot at <paramref name="path"/>; returns it and its flags.</summary>
    /// <exception cref="StorageCorruptedException">It is damaged, or not what its name says.</exception>
    /// <exception cref="StorageFormatException">It is in a version this release does not read.</exception>
    public static (Snapshot Snapshot, uint Flags) Read(string path)
    {
        var length = new FileInfo(path).Length;
        if (length < FixedBytes + 4 || length > FixedBytes + 4L + MaxDataBytes) throw Damaged(path, $"a snapshot file cannot be {length} bytes long");
        var bytes = File.ReadAllBytes(path);
        if (!bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic)) throw Damaged(path, "not a snapshot file (its magic number is wrong)");
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4)) != Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)))
        {
            throw Damaged(path, "snapshot checksum mismatch");
        }
        var version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        if (version != Version) throw new StorageFormatException(path, version, [Version]);
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        var index = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16));
        var term = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(24));
        var dataLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(32));
        if (FixedBytes + 4L + dataLength != bytes.Length) throw Damaged(path, $"the snapshot says it holds {dataLength} bytes of data but the file has room for {bytes.Length - FixedBytes - 4}");
        if (index < 1 || term < 0 || IndexOf(Path.GetFileName(path)) != index) throw Damaged(path, $"the snapshot's index {index} and term {term} do not fit its name");
        return (new Snapshot(index, term, bytes.AsMemory(FixedBytes, (int)dataLength)), flags);
    }

    private static byte[] Encode(Snapshot snapshot, uint flags)
    {
        var bytes = new byte[FixedBytes + snapshot.Data.Length + 4];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), Version);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), flags);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16), snapshot.Index);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(24), snapshot.Term);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(32), (uint)snapshot.Data.Length);
        snapshot.Data.Span.CopyTo(bytes.AsSpan(FixedBytes));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)));
        return bytes;
    }

    private static long? IndexOf(string fileName) =>
        fileName.StartsWith(Prefix, StringComparison.Ordinal) && fileName.EndsWith(Suffix, StringComparison.Ordinal)
        && long.TryParse(fileName.AsSpan(Prefix.Length, fileName.Length - Prefix.Length - Suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : null;

    private static StorageCorruptedException Damaged(string path, string problem) => new(path, 0, problem);
}

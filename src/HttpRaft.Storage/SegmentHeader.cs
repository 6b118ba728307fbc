using System.Buffers.Binary;
using System.IO.Hashing;

namespace HttpRaft.Storage;

/// <summary>
/// The 32 bytes at the start of every segment from format 2 on: <c>[magic 8][version u32][header length u32][base
/// index i64][flags u32][CRC-32 of the 28 bytes before u32]</c>, little-endian. A segment without it is format 1.
/// </summary>
/// <remarks>
/// The magic's first four bytes, read as a format-1 record's length, are 0x57524889, more than
/// <see cref="RecordFrame.MaxPayloadBytes"/>: no format-1 segment can start with them, so the magic alone tells the
/// formats apart. Every later version keeps the magic, the version and the header length where they are, and the
/// header's checksum in its last four bytes, so this release can check a newer header and name its version.
/// </remarks>
internal readonly record struct SegmentHeader(int Format, long DataStart, long BaseIndex, bool Reset)
{
    /// <summary>The format of segments written with no header (the releases before format 2).</summary>
    public const int LegacyFormat = 1;

    /// <summary>The format this release writes.</summary>
    public const int CurrentFormat = 2;

    public const int Bytes = 32;

    /// <summary>The formats this release reads.</summary>
    public static IReadOnlyList<int> ReadableFormats { get; } = [LegacyFormat, CurrentFormat];

    /// <summary>Flag: the log restarts at the base index; every entry in an earlier segment is superseded (InstallSnapshot).</summary>
    private const uint ResetFlag = 1;

    private const int MaxHeaderBytes = 64 * 1024;

    private static ReadOnlySpan<byte> Magic => [0x89, (byte)'H', (byte)'R', (byte)'W', (byte)'A', (byte)'L', (byte)'\r', (byte)'\n'];

    /// <summary>A format-1 segment: records from byte 0, no base index.</summary>
    public static SegmentHeader Legacy { get; } = new(LegacyFormat, 0, 0, false);

    /// <summary>The header of a new segment whose first entry will follow entry <paramref name="baseIndex"/> - 1.</summary>
    public static byte[] Encode(long baseIndex, bool reset)
    {
        var header = new byte[Bytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), CurrentFormat);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), Bytes);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), baseIndex);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), reset ? ResetFlag : 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(28), Crc32.HashToUInt32(header.AsSpan(0, 28)));
        return header;
    }

    /// <summary>Reads the header at the start of the segment <paramref name="path"/>.</summary>
    /// <exception cref="StorageFormatException">The header names a version this release does not read.</exception>
    /// <exception cref="StorageCorruptedException">The header is damaged.</exception>
    public static SegmentHeader Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        Span<byte> fixedPart = stackalloc byte[16];
        var read = stream.ReadAtLeast(fixedPart, fixedPart.Length, throwOnEndOfStream: false);
        if (read < Magic.Length || !fixedPart[..Magic.Length].SequenceEqual(Magic)) return Legacy;
        if (read < fixedPart.Length) throw Damaged(path, "the segment header is cut short");
        var version = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart[8..]);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart[12..]);
        if (length < 20 || length > MaxHeaderBytes || length > stream.Length) throw Damaged(path, $"the segment header's length {length} is impossible");
        var header = new byte[length];
        stream.Position = 0;
        stream.ReadExactly(header);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan((int)length - 4)) != Crc32.HashToUInt32(header.AsSpan(0, (int)length - 4)))
        {
            throw Damaged(path, "segment header checksum mismatch");
        }
        if (version != CurrentFormat) throw new StorageFormatException(path, version, ReadableFormats);
        if (length != Bytes) throw Damaged(path, $"a format-{CurrentFormat} segment header is {Bytes} bytes, not {length}");
        var baseIndex = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(16));
        if (baseIndex < 1) throw Damaged(path, $"the segment header's base index {baseIndex} is impossible");
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(24));
        return new SegmentHeader(CurrentFormat, Bytes, baseIndex, (flags & ResetFlag) != 0);
    }

    private static StorageCorruptedException Damaged(string path, string problem) => new(path, 0, problem);
}

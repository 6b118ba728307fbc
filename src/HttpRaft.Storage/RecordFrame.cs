using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using HttpRaft.Consensus;

namespace HttpRaft.Storage;

/// <summary>What a log record holds.</summary>
internal enum RecordType : byte
{
    Entry = 1,
    HardState = 2,
}

/// <summary>
/// The on-disk framing of one record: <c>[payload length u32 LE][CRC-32 of the payload u32 LE][payload]</c>. An entry's
/// payload is <c>[type=1][index i64][term i64][kind u8][data]</c>, a hard state's <c>[type=2][term i64][vote i32][commit i64]</c>.
/// The framing is the same in both formats; what differs is the meaning of an entry's kind and data (see <see cref="LegacyEntry"/>).
/// </summary>
internal static class RecordFrame
{
    public const int HeaderBytes = 8;
    public const int EntryPayloadHeader = 1 + 8 + 8 + 1;
    public const int HardStatePayload = 1 + 8 + 4 + 8;

    /// <summary>Largest payload accepted when reading, so a damaged length cannot make recovery allocate gigabytes.</summary>
    public const int MaxPayloadBytes = 256 * 1024 * 1024;

    /// <summary>The bytes <see cref="WriteEntry"/> writes for <paramref name="entry"/>.</summary>
    public static int EntryBytes(Entry entry) => HeaderBytes + EntryPayloadHeader + entry.Data.Length;

    public static void WriteEntry(IBufferWriter<byte> output, Entry entry)
    {
        var length = EntryPayloadHeader + entry.Data.Length;
        var span = output.GetSpan(HeaderBytes + length)[..(HeaderBytes + length)];
        var payload = span[HeaderBytes..];
        payload[0] = (byte)RecordType.Entry;
        BinaryPrimitives.WriteInt64LittleEndian(payload[1..], entry.Index);
        BinaryPrimitives.WriteInt64LittleEndian(payload[9..], entry.Term);
        payload[17] = (byte)entry.Kind;
        entry.Data.Span.CopyTo(payload[EntryPayloadHeader..]);
        WriteHeader(span, payload);
        output.Advance(span.Length);
    }

    public static void WriteHardState(IBufferWriter<byte> output, HardState state)
    {
        var span = output.GetSpan(HeaderBytes + HardStatePayload)[..(HeaderBytes + HardStatePayload)];
        var payload = span[HeaderBytes..];
        payload[0] = (byte)RecordType.HardState;
        BinaryPrimitives.WriteInt64LittleEndian(payload[1..], state.Term);
        BinaryPrimitives.WriteInt32LittleEndian(payload[9..], state.VotedFor);
        BinaryPrimitives.WriteInt64LittleEndian(payload[13..], state.Commit);
        WriteHeader(span, payload);
        output.Advance(span.Length);
    }

    public static int PayloadLength(ReadOnlySpan<byte> header) => (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(header), int.MaxValue);

    public static bool ChecksumMatches(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload) =>
        BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) == Crc32.HashToUInt32(payload);

    /// <summary>Whether a checksummed payload is well formed: a known type of the right length, and an entry kind its format defines.</summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> payload, int format) => payload.Length > 0 && (RecordType)payload[0] switch
    {
        RecordType.Entry => payload.Length >= EntryPayloadHeader && IsKnownKind(payload[17], format),
        RecordType.HardState => payload.Length == HardStatePayload,
        _ => false,
    };

    public static RecordType TypeOf(ReadOnlySpan<byte> payload) => (RecordType)payload[0];

    public static long EntryIndex(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadInt64LittleEndian(payload[1..]);

    public static long EntryTerm(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadInt64LittleEndian(payload[9..]);

    public static EntryKind EntryKindOf(ReadOnlySpan<byte> payload) => (EntryKind)payload[17];

    /// <summary>The entry in a well-formed payload, in the format-2 form whatever <paramref name="format"/> it was written in.</summary>
    public static Entry ReadEntry(ReadOnlySpan<byte> payload, int format) => format == SegmentHeader.LegacyFormat
        ? LegacyEntry.Translate(EntryIndex(payload), EntryTerm(payload), payload[17], payload[EntryPayloadHeader..])
        : new Entry(EntryIndex(payload), EntryTerm(payload), (EntryKind)payload[17], payload[EntryPayloadHeader..].ToArray());

    public static HardState ReadHardState(ReadOnlySpan<byte> payload) => new(
        BinaryPrimitives.ReadInt64LittleEndian(payload[1..]),
        BinaryPrimitives.ReadInt32LittleEndian(payload[9..]),
        BinaryPrimitives.ReadInt64LittleEndian(payload[13..]));

    /// <summary>
    /// Format 2 stores whatever kind the core defines (it will add kinds); format 1 knew normal, no-op and keyed.
    /// A table, not <see cref="Enum.IsDefined{TEnum}(TEnum)"/> per record: replay checks every record.
    /// </summary>
    private static bool IsKnownKind(byte kind, int format) => format == SegmentHeader.LegacyFormat ? kind <= LegacyEntry.MaxKind : DefinedKinds[kind];

    /// <summary>Whether the core defines <paramref name="kind"/>: what <see cref="IRaftStorage.Save"/> accepts.</summary>
    public static bool IsDefinedKind(EntryKind kind) => DefinedKinds[(byte)kind];

    private static readonly bool[] DefinedKinds = BuildDefinedKinds();

    private static bool[] BuildDefinedKinds()
    {
        var table = new bool[256];
        foreach (var kind in Enum.GetValues<EntryKind>()) table[(byte)kind] = true;
        return table;
    }

    private static void WriteHeader(Span<byte> record, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32.HashToUInt32(payload));
    }
}

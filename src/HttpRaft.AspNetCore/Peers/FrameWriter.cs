using System.Buffers.Binary;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// Writes a frame's little-endian fields into a span sized for the whole frame, or, made by <see cref="Counter"/>,
/// only counts their bytes: one description of a message's fields gives both its size and its bytes.
/// </summary>
internal ref struct FrameWriter
{
    private readonly Span<byte> span;
    private readonly bool counting;

    public FrameWriter(Span<byte> span)
    {
        this.span = span;
    }

    private FrameWriter(bool counting)
    {
        this.counting = counting;
    }

    /// <summary>A writer that writes nothing and counts the bytes it would write.</summary>
    public static FrameWriter Counter() => new(counting: true);

    /// <summary>Bytes written (or counted) so far.</summary>
    public int Position { get; private set; }

    public void Byte(byte value)
    {
        if (!counting) span[Position] = value;
        Position++;
    }

    public void Bool(bool value) => Byte(value ? (byte)1 : (byte)0);

    public void Int32(int value)
    {
        if (!counting) BinaryPrimitives.WriteInt32LittleEndian(span[Position..], value);
        Position += 4;
    }

    public void Int64(long value)
    {
        if (!counting) BinaryPrimitives.WriteInt64LittleEndian(span[Position..], value);
        Position += 8;
    }

    public void Bytes(ReadOnlySpan<byte> value)
    {
        if (!counting) value.CopyTo(span[Position..]);
        Position += value.Length;
    }
}

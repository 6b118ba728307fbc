using System.Buffers.Binary;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// Reads a frame body's little-endian fields. Past the end, or after <see cref="Fail{T}"/>, it records the first
/// error and yields zeros instead of throwing, so a message description reads its fields without checking each one.
/// </summary>
internal ref struct FrameReader(ReadOnlySpan<byte> span)
{
    private readonly ReadOnlySpan<byte> span = span;
    private int position;

    public string? Error { get; private set; }

    public readonly int Remaining => span.Length - position;

    public byte Byte() => Take(1) is { IsEmpty: false } b ? b[0] : (byte)0;

    public bool Bool()
    {
        var value = Byte();
        if (value > 1) Fail<bool>($"a boolean field holds {value}");
        return value == 1;
    }

    public int Int32() => Take(4) is { IsEmpty: false } b ? BinaryPrimitives.ReadInt32LittleEndian(b) : 0;

    public long Int64() => Take(8) is { IsEmpty: false } b ? BinaryPrimitives.ReadInt64LittleEndian(b) : 0;

    public ReadOnlySpan<byte> Bytes(int length) => Take(length);

    /// <summary>Records <paramref name="problem"/> (unless an earlier one is recorded) and skips the rest of the frame.</summary>
    public T? Fail<T>(string problem)
    {
        Error ??= problem;
        position = span.Length;
        return default;
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        if (length == 0) return [];
        if (Error is not null || length > Remaining)
        {
            Fail<byte>("the frame ends inside a field");
            return [];
        }
        var taken = span.Slice(position, length);
        position += length;
        return taken;
    }
}

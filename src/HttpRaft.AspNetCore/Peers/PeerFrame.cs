using System.Buffers;
using System.Buffers.Binary;
using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// The binary framing of peer messages on a <c>/raft/stream</c> connection: a little-endian length, then the kind's
/// code byte, sender, receiver and term, then the kind's own fixed-width fields as <see cref="PeerMessageKinds"/>
/// describes them. JSON would spend more CPU encoding and decoding each AppendEntries than the node spends on
/// everything else it does with it (docs/performance.md).
/// </summary>
internal static class PeerFrame
{
    /// <summary>Bytes before a frame's body: its length.</summary>
    public const int LengthPrefix = 4;

    /// <summary>Bytes of the header every body starts with: code, from, to, term.</summary>
    public const int HeaderBytes = 1 + 4 + 4 + 8;

    /// <summary>Appends <paramref name="message"/> as one frame.</summary>
    public static void Write(IBufferWriter<byte> output, Message message)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(message);
        var kind = PeerMessageKinds.Of(message);
        var counter = FrameWriter.Counter();
        kind.WriteFields(ref counter, message);
        var bodyLength = HeaderBytes + counter.Position;
        var writer = new FrameWriter(output.GetSpan(LengthPrefix + bodyLength));
        writer.Int32(bodyLength);
        writer.Byte(kind.Code);
        writer.Int32(message.From);
        writer.Int32(message.To);
        writer.Int64(message.Term);
        kind.WriteFields(ref writer, message);
        output.Advance(LengthPrefix + bodyLength);
    }

    /// <summary>
    /// Takes one frame off the front of <paramref name="buffer"/>. Returns false when the buffer does not yet hold
    /// a whole frame. A frame that is longer than <paramref name="maxFrameBytes"/> or does not decode sets
    /// <paramref name="error"/>: the stream cannot be trusted past it.
    /// </summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, long maxFrameBytes, out Message? message, out string? error)
    {
        message = null;
        error = null;
        if (buffer.Length < LengthPrefix) return false;
        Span<byte> prefix = stackalloc byte[LengthPrefix];
        buffer.Slice(0, LengthPrefix).CopyTo(prefix);
        var bodyLength = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        if (bodyLength < HeaderBytes || bodyLength > maxFrameBytes)
        {
            error = $"frame length {bodyLength} is outside {HeaderBytes}..{maxFrameBytes}";
            return true;
        }
        if (buffer.Length < LengthPrefix + bodyLength) return false;
        var body = buffer.Slice(LengthPrefix, bodyLength);
        buffer = buffer.Slice(body.End);
        message = Decode(body, out error);
        return true;
    }

    private static Message? Decode(ReadOnlySequence<byte> body, out string? error)
    {
        if (body.IsSingleSegment) return Decode(body.FirstSpan, out error);
        var copy = ArrayPool<byte>.Shared.Rent((int)body.Length);
        try
        {
            body.CopyTo(copy);
            return Decode(copy.AsSpan(0, (int)body.Length), out error);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private static Message? Decode(ReadOnlySpan<byte> body, out string? error)
    {
        var reader = new FrameReader(body);
        var code = reader.Byte();
        var header = new FrameHeader(reader.Int32(), reader.Int32(), reader.Int64());
        var message = PeerMessageKinds.OfCode(code) is { } kind
            ? kind.ReadFields(ref reader, header)
            : reader.Fail<Message>($"unknown message kind {code}");
        error = reader.Error ?? (reader.Remaining != 0 ? $"{reader.Remaining} bytes left over after the message" : null);
        return error is null ? message : null;
    }
}

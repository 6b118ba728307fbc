using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>What every frame carries before a message's own fields: sender, receiver, and the sender's term.</summary>
internal readonly record struct FrameHeader(int From, int To, long Term);

/// <summary>Writes (or counts) the fields of <paramref name="message"/> that follow the frame header.</summary>
internal delegate void FieldWriter<in T>(ref FrameWriter writer, T message);

/// <summary>Reads a message's fields after <paramref name="header"/>; null (with the reader's error set) when they do not decode.</summary>
internal delegate T? FieldReader<T>(ref FrameReader reader, FrameHeader header) where T : Message;

/// <summary>
/// One kind of peer message on the wire: its code byte, how its own fields are written and read, and what makes
/// them acceptable beyond the checks every message gets. <see cref="PeerMessageKinds"/> lists them all.
/// </summary>
internal abstract class PeerMessageKind(byte code, Type messageType)
{
    public byte Code { get; } = code;

    public Type MessageType { get; } = messageType;

    public abstract void WriteFields(ref FrameWriter writer, Message message);

    public abstract Message? ReadFields(ref FrameReader reader, FrameHeader header);

    /// <summary>Null when the message's own fields are acceptable within <paramref name="limits"/>; otherwise what is wrong.</summary>
    public abstract string? Validate(Message message, PeerMessageLimits limits);
}

/// <summary>A <see cref="PeerMessageKind"/> for messages of type <typeparamref name="T"/>, described by three functions.</summary>
internal sealed class PeerMessageKind<T>(byte code, FieldWriter<T> write, FieldReader<T> read, Func<T, PeerMessageLimits, string?> validate)
    : PeerMessageKind(code, typeof(T)) where T : Message
{
    public override void WriteFields(ref FrameWriter writer, Message message) => write(ref writer, (T)message);

    public override Message? ReadFields(ref FrameReader reader, FrameHeader header) => read(ref reader, header);

    public override string? Validate(Message message, PeerMessageLimits limits) => validate((T)message, limits);
}

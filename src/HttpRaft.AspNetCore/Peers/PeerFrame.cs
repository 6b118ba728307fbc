using System.Buffers;
using System.Buffers.Binary;
using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// The binary framing of peer messages on a <c>/raft/stream</c> connection: a little-endian length, then a kind
/// byte, then fixed-width fields (entries as index, term, kind, length, bytes). JSON would spend more CPU
/// encoding and decoding each AppendEntries than the node spends on everything else it does with it.
/// </summary>
internal static class PeerFrame
{
    /// <summary>Bytes before a frame's body: its length.</summary>
    public const int LengthPrefix = 4;

    // kind, from, to, term.
    private const int CommonBytes = 1 + 4 + 4 + 8;

    // index, term, kind, data length.
    private const int EntryHeaderBytes = 8 + 8 + 1 + 4;

    private enum Kind : byte
    {
        VoteRequest = 1,
        VoteResponse,
        AppendRequest,
        AppendResponse,
        Heartbeat,
        HeartbeatResponse,
        ReadIndexRequest,
        ReadIndexResponse,
    }

    /// <summary>Appends <paramref name="message"/> as one frame.</summary>
    public static void Write(IBufferWriter<byte> output, Message message)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(message);
        var bodyLength = CommonBytes + FieldBytes(message);
        var span = output.GetSpan(LengthPrefix + bodyLength);
        var writer = new FrameWriter(span);
        writer.Int32(bodyLength);
        writer.Byte((byte)KindOf(message));
        writer.Int32(message.From);
        writer.Int32(message.To);
        writer.Int64(message.Term);
        WriteFields(ref writer, message);
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
        if (bodyLength < CommonBytes || bodyLength > maxFrameBytes)
        {
            error = $"frame length {bodyLength} is outside {CommonBytes}..{maxFrameBytes}";
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
        var message = ReadMessage(ref reader);
        error = reader.Error ?? (reader.Remaining != 0 ? $"{reader.Remaining} bytes left over after the message" : null);
        return error is null ? message : null;
    }

    private static Message? ReadMessage(ref FrameReader r)
    {
        var kind = (Kind)r.Byte();
        int from = r.Int32(), to = r.Int32();
        var term = r.Int64();
        return kind switch
        {
            Kind.VoteRequest => new VoteRequest(from, to, term, r.Bool(), r.Int64(), r.Int64()),
            Kind.VoteResponse => new VoteResponse(from, to, term, r.Bool(), r.Bool()),
            Kind.AppendRequest => ReadAppend(ref r, from, to, term),
            Kind.AppendResponse => new AppendResponse(from, to, term, r.Bool(), r.Int64(), r.Int64(), r.Int64()),
            Kind.Heartbeat => new Heartbeat(from, to, term, r.Int64(), r.Int64()),
            Kind.HeartbeatResponse => new HeartbeatResponse(from, to, term, r.Int64()),
            Kind.ReadIndexRequest => new ReadIndexRequest(from, to, term, r.Int64()),
            Kind.ReadIndexResponse => new ReadIndexResponse(from, to, term, r.Int64(), r.Bool(), r.Int64()),
            _ => r.Fail<Message>($"unknown message kind {(byte)kind}"),
        };
    }

    private static AppendRequest? ReadAppend(ref FrameReader r, int from, int to, long term)
    {
        long prevIndex = r.Int64(), prevTerm = r.Int64(), commit = r.Int64();
        var count = r.Int32();
        if (count < 0 || (long)count * EntryHeaderBytes > r.Remaining) return r.Fail<AppendRequest>($"entry count {count} does not fit the frame");
        // One array holds every entry's bytes: one allocation per message instead of one per entry.
        var data = new byte[r.Remaining - count * EntryHeaderBytes];
        var entries = new Entry[count];
        var used = 0;
        for (var i = 0; i < count && r.Error is null; i++)
        {
            long index = r.Int64(), entryTerm = r.Int64();
            var entryKind = r.Byte();
            var length = r.Int32();
            if (!Enum.IsDefined((EntryKind)entryKind)) return r.Fail<AppendRequest>($"entry {index} has unknown kind {entryKind}");
            if (length < 0 || length > data.Length - used) return r.Fail<AppendRequest>($"entry {index} claims {length} bytes, more than the frame holds");
            r.Bytes(length).CopyTo(data.AsSpan(used));
            entries[i] = new Entry(index, entryTerm, (EntryKind)entryKind, data.AsMemory(used, length));
            used += length;
        }
        return r.Error is null ? new AppendRequest(from, to, term, prevIndex, prevTerm, entries, commit) : null;
    }

    private static int FieldBytes(Message message) => message switch
    {
        VoteRequest => 1 + 8 + 8,
        VoteResponse => 1 + 1,
        AppendRequest a => 8 + 8 + 8 + 4 + EntriesBytes(a.Entries),
        AppendResponse => 1 + 8 + 8 + 8,
        Heartbeat => 8 + 8,
        HeartbeatResponse => 8,
        ReadIndexRequest => 8,
        ReadIndexResponse => 8 + 1 + 8,
        _ => throw new ArgumentException($"No frame for {message.GetType().Name}.", nameof(message)),
    };

    private static int EntriesBytes(IReadOnlyList<Entry> entries)
    {
        var bytes = entries.Count * EntryHeaderBytes;
        foreach (var entry in entries) bytes += entry.Data.Length;
        return bytes;
    }

    private static Kind KindOf(Message message) => message switch
    {
        VoteRequest => Kind.VoteRequest,
        VoteResponse => Kind.VoteResponse,
        AppendRequest => Kind.AppendRequest,
        AppendResponse => Kind.AppendResponse,
        Heartbeat => Kind.Heartbeat,
        HeartbeatResponse => Kind.HeartbeatResponse,
        ReadIndexRequest => Kind.ReadIndexRequest,
        ReadIndexResponse => Kind.ReadIndexResponse,
        _ => throw new ArgumentException($"No frame for {message.GetType().Name}.", nameof(message)),
    };

    private static void WriteFields(ref FrameWriter w, Message message)
    {
        switch (message)
        {
            case VoteRequest v: w.Bool(v.PreVote); w.Int64(v.LastLogIndex); w.Int64(v.LastLogTerm); break;
            case VoteResponse v: w.Bool(v.PreVote); w.Bool(v.Granted); break;
            case AppendRequest a: WriteAppend(ref w, a); break;
            case AppendResponse a: w.Bool(a.Success); w.Int64(a.Index); w.Int64(a.ConflictIndex); w.Int64(a.ConflictTerm); break;
            case Heartbeat h: w.Int64(h.Commit); w.Int64(h.ReadRound); break;
            case HeartbeatResponse h: w.Int64(h.ReadRound); break;
            case ReadIndexRequest r: w.Int64(r.RequestId); break;
            case ReadIndexResponse r: w.Int64(r.RequestId); w.Bool(r.Success); w.Int64(r.Index); break;
        }
    }

    private static void WriteAppend(ref FrameWriter w, AppendRequest a)
    {
        w.Int64(a.PrevLogIndex);
        w.Int64(a.PrevLogTerm);
        w.Int64(a.LeaderCommit);
        w.Int32(a.Entries.Count);
        foreach (var entry in a.Entries)
        {
            w.Int64(entry.Index);
            w.Int64(entry.Term);
            w.Byte((byte)entry.Kind);
            w.Int32(entry.Data.Length);
            w.Bytes(entry.Data.Span);
        }
    }

    /// <summary>Writes fields into a span sized for the whole frame.</summary>
    private ref struct FrameWriter(Span<byte> span)
    {
        private readonly Span<byte> span = span;
        private int position;

        public void Byte(byte value) => span[position++] = value;

        public void Bool(bool value) => Byte(value ? (byte)1 : (byte)0);

        public void Int32(int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[position..], value);
            position += 4;
        }

        public void Int64(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[position..], value);
            position += 8;
        }

        public void Bytes(ReadOnlySpan<byte> value)
        {
            value.CopyTo(span[position..]);
            position += value.Length;
        }
    }

    /// <summary>Reads fields from a frame body; past the end it records an error and yields zeros instead of throwing.</summary>
    private ref struct FrameReader(ReadOnlySpan<byte> span)
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
}

using HttpRaft.AspNetCore.Idempotency;
using HttpRaft.Storage;

namespace HttpRaft.AspNetCore;

/// <summary>
/// How the host frames a client entry's data in the log: a <see cref="PayloadTag"/> byte, then the client's bytes or,
/// for the first entry of a keyed append, a <see cref="KeyedEnvelope"/>. The consensus core sees only opaque data.
/// </summary>
internal static class ClientPayload
{
    /// <summary>The most bytes the framing adds to a client entry: the tag and the largest keyed envelope.</summary>
    public const int MaxOverhead = 1 + KeyedEnvelope.MaxOverhead;

    /// <summary>
    /// The data to propose for <paramref name="entries"/>: each behind its tag, the first in the keyed envelope when
    /// <paramref name="keyed"/> is given. Plain entries share one array, so a batch costs one allocation.
    /// </summary>
    public static ReadOnlyMemory<byte>[] Frame(IReadOnlyList<ReadOnlyMemory<byte>> entries, KeyedHeader? keyed)
    {
        var payloads = new ReadOnlyMemory<byte>[entries.Count];
        var firstPlain = keyed is null ? 0 : 1;
        if (keyed is not null) payloads[0] = Keyed(keyed, entries[0].Span);
        var total = 0;
        for (var i = firstPlain; i < entries.Count; i++) total += 1 + entries[i].Length;
        var bytes = new byte[total];
        var used = 0;
        for (var i = firstPlain; i < entries.Count; i++)
        {
            bytes[used] = PayloadTag.Plain;
            entries[i].Span.CopyTo(bytes.AsSpan(used + 1));
            payloads[i] = bytes.AsMemory(used, 1 + entries[i].Length);
            used += 1 + entries[i].Length;
        }
        return payloads;
    }

    /// <summary>The client's bytes in <paramref name="data"/>, without the tag or envelope.</summary>
    public static ReadOnlyMemory<byte> ClientData(ReadOnlyMemory<byte> data)
    {
        if (data.IsEmpty) return data;
        return data.Span[0] == PayloadTag.Keyed ? KeyedEnvelope.ClientData(data[1..]) : data[1..];
    }

    /// <summary>The keyed envelope's header when <paramref name="data"/> starts a keyed append; otherwise null.</summary>
    public static KeyedHeader? KeyedHeaderOf(ReadOnlySpan<byte> data) =>
        data.Length > 0 && data[0] == PayloadTag.Keyed ? KeyedEnvelope.ReadHeader(data[1..]) : null;

    private static byte[] Keyed(KeyedHeader header, ReadOnlySpan<byte> clientData)
    {
        var data = new byte[1 + KeyedEnvelope.LengthOf(header, clientData.Length)];
        data[0] = PayloadTag.Keyed;
        KeyedEnvelope.Write(data.AsSpan(1), header, clientData);
        return data;
    }
}

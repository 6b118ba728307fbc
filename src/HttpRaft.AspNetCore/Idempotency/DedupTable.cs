using System.Buffers.Binary;
using System.Text;

namespace HttpRaft.AspNetCore.Idempotency;

/// <summary>Where a keyed append committed: its index range and term, and the hash of the request that made it.</summary>
internal sealed record KeyedAppend(long FirstIndex, long LastIndex, long Term, byte[] RequestHash)
{
    public bool SameRequest(byte[] requestHash) => RequestHash.AsSpan().SequenceEqual(requestHash);
}

/// <summary>
/// The idempotency keys of applied keyed appends, in apply order, until the window moves past them. Filled from the
/// log itself, so every node holds the same table for the same applied index. Owned by the node loop; not thread-safe.
/// </summary>
internal sealed class DedupTable
{
    private readonly Dictionary<string, KeyedAppend> byKey = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, long Index)> order = new();

    public int Count => byKey.Count;

    public bool TryGet(string key, out KeyedAppend append) => byKey.TryGetValue(key, out append!);

    /// <summary>Remembers <paramref name="key"/>; the first append with a key wins, so a duplicate in the log never changes the answer.</summary>
    public void Add(string key, KeyedAppend append)
    {
        if (byKey.TryAdd(key, append)) order.Enqueue((key, append.FirstIndex));
    }

    /// <summary>The most bytes one key takes in <see cref="Encode"/>: key length, key, three indexes, hash.</summary>
    public const int MaxEncodedKeyBytes = 1 + IdempotencyKey.MaxLength + (3 * 8) + KeyedEnvelope.HashBytes;

    private const byte FormatVersion = 1;

    /// <summary>
    /// The keys of appends at or below <paramref name="throughIndex"/>, oldest first, as a snapshot carries them:
    /// <c>[version u8][count i32 LE]</c> then per key <c>[length u8][ASCII][first i64][last i64][term i64][hash]</c>.
    /// A node restoring the snapshot learns the later keys from the entries after it.
    /// </summary>
    public byte[] Encode(long throughIndex)
    {
        var kept = order.Where(k => k.Index <= throughIndex).Select(k => (k.Key, Append: byKey[k.Key])).ToList();
        var buffer = new byte[5 + (kept.Count * MaxEncodedKeyBytes)];
        buffer[0] = FormatVersion;
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(1), kept.Count);
        var at = 5;
        foreach (var (key, append) in kept)
        {
            buffer[at++] = (byte)key.Length;
            at += Encoding.ASCII.GetBytes(key, buffer.AsSpan(at));
            BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(at), append.FirstIndex);
            BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(at + 8), append.LastIndex);
            BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(at + 16), append.Term);
            append.RequestHash.CopyTo(buffer.AsSpan(at + 24));
            at += 24 + KeyedEnvelope.HashBytes;
        }
        return buffer[..at];
    }

    /// <summary>Replaces the table with what <see cref="Encode"/> wrote; null on success, otherwise what is wrong (the table is then empty).</summary>
    public string? Load(ReadOnlySpan<byte> data)
    {
        byKey.Clear();
        order.Clear();
        var problem = TryLoad(data);
        if (problem is not null)
        {
            byKey.Clear();
            order.Clear();
        }
        return problem;
    }

    private string? TryLoad(ReadOnlySpan<byte> data)
    {
        if (data.Length < 5 || data[0] != FormatVersion) return "the idempotency table has an unknown format";
        var count = BinaryPrimitives.ReadInt32LittleEndian(data[1..]);
        var rest = data[5..];
        for (var i = 0; i < count; i++)
        {
            if (rest.Length < 1 || rest[0] > rest.Length - 1 - 24 - KeyedEnvelope.HashBytes) return "the idempotency table is cut short";
            var key = Encoding.ASCII.GetString(rest.Slice(1, rest[0]));
            if (!IdempotencyKey.IsValid(key)) return "the idempotency table holds an invalid key";
            var fields = rest[(1 + rest[0])..];
            var append = new KeyedAppend(
                BinaryPrimitives.ReadInt64LittleEndian(fields),
                BinaryPrimitives.ReadInt64LittleEndian(fields[8..]),
                BinaryPrimitives.ReadInt64LittleEndian(fields[16..]),
                fields.Slice(24, KeyedEnvelope.HashBytes).ToArray());
            Add(key, append);
            rest = fields[(24 + KeyedEnvelope.HashBytes)..];
        }
        return rest.IsEmpty ? null : "the idempotency table has bytes after its last key";
    }

    /// <summary>Forgets the keys of appends at or below <paramref name="index"/>: they left the window.</summary>
    public void ForgetThrough(long index)
    {
        while (order.TryPeek(out var oldest) && oldest.Index <= index)
        {
            order.Dequeue();
            byKey.Remove(oldest.Key);
        }
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace HttpRaft.AspNetCore.Idempotency;

/// <summary>What a keyed entry says about the append it starts: the key, the hash of the request's entries, and how many entries the append holds.</summary>
internal sealed record KeyedHeader(string Key, byte[] RequestHash, int EntryCount);

/// <summary>
/// The envelope of the first entry of a keyed append, behind its <see cref="ClientPayload"/> tag: <c>[key length u8][key
/// ASCII][SHA-256 of the request, 32 bytes][entry count u32 LE][the client's first entry]</c>. The key travels in the log so every node,
/// and a new leader after failover, learns it by applying the entry; readers see only the client's bytes.
/// </summary>
internal static class KeyedEnvelope
{
    public const int HashBytes = 32;

    /// <summary>The largest envelope around a client entry: a 128-byte key, its length, the hash and the count.</summary>
    public const int MaxOverhead = 1 + IdempotencyKey.MaxLength + HashBytes + 4;

    /// <summary>
    /// SHA-256 over the request's entries, each length-prefixed, so a retry with the same entries matches and a
    /// reuse of the key with other entries (or another split of the same bytes) does not.
    /// </summary>
    public static byte[] HashOf(IReadOnlyList<ReadOnlyMemory<byte>> entries)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, entries.Count);
        hash.AppendData(length);
        foreach (var entry in entries)
        {
            BinaryPrimitives.WriteInt32LittleEndian(length, entry.Length);
            hash.AppendData(length);
            hash.AppendData(entry.Span);
        }
        return hash.GetHashAndReset();
    }

    /// <summary>The envelope's length around <paramref name="clientLength"/> bytes of client data.</summary>
    public static int LengthOf(KeyedHeader header, int clientLength) => HeaderLength(Encoding.ASCII.GetByteCount(header.Key)) + clientLength;

    /// <summary>Writes the envelope into <paramref name="destination"/>, which is exactly <see cref="LengthOf"/> bytes.</summary>
    public static void Write(Span<byte> destination, KeyedHeader header, ReadOnlySpan<byte> clientData)
    {
        var keyLength = Encoding.ASCII.GetByteCount(header.Key);
        destination[0] = (byte)keyLength;
        Encoding.ASCII.GetBytes(header.Key, destination.Slice(1, keyLength));
        header.RequestHash.CopyTo(destination.Slice(1 + keyLength, HashBytes));
        BinaryPrimitives.WriteInt32LittleEndian(destination[(1 + keyLength + HashBytes)..], header.EntryCount);
        clientData.CopyTo(destination[HeaderLength(keyLength)..]);
    }

    /// <summary>Reads the envelope's header; null when <paramref name="data"/> is too short to hold one (never written by this code).</summary>
    public static KeyedHeader? ReadHeader(ReadOnlySpan<byte> data)
    {
        if (data.Length < 1 || data.Length < HeaderLength(data[0])) return null;
        var keyLength = data[0];
        var key = Encoding.ASCII.GetString(data.Slice(1, keyLength));
        var hash = data.Slice(1 + keyLength, HashBytes).ToArray();
        var count = BinaryPrimitives.ReadInt32LittleEndian(data[(1 + keyLength + HashBytes)..]);
        return new KeyedHeader(key, hash, count);
    }

    /// <summary>The client's bytes inside the envelope (all of <paramref name="data"/> if it holds no whole header).</summary>
    public static ReadOnlyMemory<byte> ClientData(ReadOnlyMemory<byte> data)
    {
        var span = data.Span;
        return span.Length >= 1 && span.Length >= HeaderLength(span[0]) ? data[HeaderLength(span[0])..] : data;
    }

    private static int HeaderLength(int keyLength) => 1 + keyLength + HashBytes + 4;
}

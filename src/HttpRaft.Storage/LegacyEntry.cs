using HttpRaft.Consensus;

namespace HttpRaft.Storage;

/// <summary>
/// Reads a format-1 entry as format 2 says it: format 1 told plain and keyed client data apart by the entry's kind
/// byte (0 normal, 2 keyed), format 2 by a <see cref="PayloadTag"/> byte in front of the data of a normal entry.
/// </summary>
/// <remarks>
/// Storage owns the data directory's format, so the translation happens on every read of a format-1 record and the
/// rest of the node only ever sees format 2. The core no longer defines a keyed kind, hence the raw numbers here.
/// </remarks>
internal static class LegacyEntry
{
    /// <summary>Format 1's kind byte for client data as sent.</summary>
    public const byte NormalKind = 0;

    /// <summary>Format 1's kind byte for a no-op (the same in format 2).</summary>
    public const byte NoOpKind = 1;

    /// <summary>Format 1's kind byte for client data in the idempotency envelope.</summary>
    public const byte KeyedKind = 2;

    /// <summary>The largest kind byte format 1 wrote.</summary>
    public const byte MaxKind = KeyedKind;

    public static Entry Translate(long index, long term, byte kind, ReadOnlySpan<byte> data) => kind switch
    {
        NormalKind => new Entry(index, term, EntryKind.Normal, Tagged(PayloadTag.Plain, data)),
        KeyedKind => new Entry(index, term, EntryKind.Normal, Tagged(PayloadTag.Keyed, data)),
        _ => new Entry(index, term, (EntryKind)kind, data.ToArray()),
    };

    private static byte[] Tagged(byte tag, ReadOnlySpan<byte> data)
    {
        var tagged = new byte[data.Length + 1];
        tagged[0] = tag;
        data.CopyTo(tagged.AsSpan(1));
        return tagged;
    }
}

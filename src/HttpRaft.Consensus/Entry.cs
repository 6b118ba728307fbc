namespace HttpRaft.Consensus;

/// <summary>
/// What an entry carries, as far as the core acts on it: the host's data (opaque here), the no-op a new leader
/// appends (§5.4.2, dissertation §6.4), or a new <see cref="Consensus.Configuration"/> of the cluster (dissertation §4).
/// </summary>
/// <remarks>Value 2 is retired: storage format 1 used it for the host's keyed entries, which are normal entries now.</remarks>
public enum EntryKind : byte
{
    Normal = 0,
    NoOp = 1,
    Configuration = 3,
    /// <summary>Deletes the log's prefix below the index in its data: every node applies it, so all agree on the first index (docs/design.md §8).</summary>
    TruncatePrefix = 4,
}

/// <summary>One log entry: its position, the term of the leader that created it, and its payload.</summary>
/// <remarks>
/// The term is the term in which a leader first appended the entry; followers store it unchanged
/// (the Go original re-stamped entries with the follower's own term, which breaks Log Matching).
/// </remarks>
public readonly record struct Entry(long Index, long Term, EntryKind Kind, ReadOnlyMemory<byte> Data)
{
    /// <summary>Per-entry framing overhead counted against message and batch size limits.</summary>
    public const int Overhead = 24;

    /// <summary>Approximate size on the wire and on disk, for flow-control limits.</summary>
    public long Size => Overhead + Data.Length;

    public static Entry Normal(long index, long term, ReadOnlyMemory<byte> data) => new(index, term, EntryKind.Normal, data);

    /// <summary>True for entries whose data belongs to the host (what clients appended), false for the core's own entries.</summary>
    public bool IsClientEntry => Kind == EntryKind.Normal;

    /// <summary>True for the kinds storage indexes so they are found without a scan: configurations and truncations.</summary>
    public static bool IsControl(EntryKind kind) => kind is EntryKind.Configuration or EntryKind.TruncatePrefix;

    public static Entry NoOp(long index, long term) => new(index, term, EntryKind.NoOp, ReadOnlyMemory<byte>.Empty);

    public static Entry ForConfiguration(long index, long term, Configuration configuration) =>
        new(index, term, EntryKind.Configuration, configuration.Encode());

    /// <summary>An entry deleting the log below <paramref name="firstIndex"/>.</summary>
    public static Entry ForTruncation(long index, long term, long firstIndex)
    {
        var data = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(data, firstIndex);
        return new Entry(index, term, EntryKind.TruncatePrefix, data);
    }

    /// <summary>The first index a <see cref="EntryKind.TruncatePrefix"/> entry keeps; null for any other entry or damaged data.</summary>
    public long? TruncationFirstIndex =>
        Kind == EntryKind.TruncatePrefix && Data.Length == 8 ? System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(Data.Span) : null;

    /// <summary>True when both entries have the same position, term, kind and bytes.</summary>
    public bool SameAs(Entry other) =>
        Index == other.Index && Term == other.Term && Kind == other.Kind && Data.Span.SequenceEqual(other.Data.Span);
}

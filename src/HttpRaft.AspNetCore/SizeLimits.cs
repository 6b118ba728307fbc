using HttpRaft.AspNetCore.Idempotency;
using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore;

/// <summary>
/// Every size bound of a node in one place, and how each follows from the others. From the client inwards:
/// <list type="number">
/// <item>A client request body is at most <see cref="MaxRequestBodyBytes"/>; one entry in it at most <see cref="MaxEntryBytes"/>, and a batch at most <see cref="MaxBatchEntries"/> entries.</item>
/// <item>The log stores an entry as its bytes behind the host's envelope (a tag byte, and for a keyed append the key and hash): at most <see cref="MaxStoredEntryBytes"/>.</item>
/// <item>The consensus core counts an entry as <see cref="Entry.Overhead"/> + its data and fills one AppendEntries up to <see cref="MaxAppendBytes"/>, or with one entry whatever its size. <see cref="MaxEntryBytes"/> ≤ <see cref="MaxAppendBytes"/> is required, so any entry fits a message alone.</item>
/// <item>On the wire an entry costs fewer bytes than it is counted (<see cref="Peers.PeerMessageKinds.EntryHeaderBytes"/> against <see cref="Entry.Overhead"/>), so a frame never exceeds <see cref="MaxPeerFrameBytes"/>, and a follower validates against the same figures the leader batched with.</item>
/// <item>Storage refuses records over 256 MiB when it reopens a log, so <see cref="MaxEntryBytes"/> stays at most <see cref="MaxEntryBytesCeiling"/>.</item>
/// <item>A read page holds at most <see cref="MaxPageBytes"/> of entry data, always at least one entry.</item>
/// <item>A snapshot holds the configuration and the idempotency table, one record per key in the window: at most <see cref="MaxSnapshotBytes"/>, which a follower allocates for one being sent to it.</item>
/// </list>
/// </summary>
public sealed record SizeLimits(int MaxEntryBytes, long MaxRequestBodyBytes, long MaxAppendBytes, int IdempotencyWindow = 100_000)
{
    /// <summary>The largest <see cref="MaxEntryBytes"/> a node accepts: 64 MiB, well below storage's 256 MiB record bound.</summary>
    public const int MaxEntryBytesCeiling = 64 * 1024 * 1024;

    /// <summary>The most entries one batch append may hold.</summary>
    public const int MaxBatchEntries = 10_000;

    /// <summary>The most entry data bytes one read page holds (always at least one entry, whatever its size).</summary>
    public const int MaxPageBytes = 4 * 1024 * 1024;

    /// <summary>The largest term or index a peer message may carry: far beyond any real log, with room to count up.</summary>
    public const long MaxIndexOrTerm = long.MaxValue / 2;

    /// <summary>
    /// How many terms a peer message may be ahead of this node. With pre-vote, a term advances only when an election
    /// could succeed, so a real peer is a few terms ahead at most; a million ahead is a forged or broken message.
    /// </summary>
    public const long MaxTermLead = 1_000_000;

    // Room in a frame beyond its entries: the frame and message headers, with plenty to spare.
    private const int FrameSlack = 4096;

    /// <summary>The largest data of an entry as the log holds it: the client's bytes behind the largest envelope.</summary>
    public int MaxStoredEntryBytes => MaxEntryBytes + ClientPayload.MaxOverhead;

    /// <summary>The most entries one AppendEntries can carry: each is counted at least <see cref="Entry.Overhead"/> bytes.</summary>
    public int MaxEntriesPerAppend => (int)Math.Min(int.MaxValue, MaxAppendBytes / Entry.Overhead + 1);

    /// <summary>The largest frame a correct peer sends: a full AppendEntries, or one holding the largest entry alone.</summary>
    public long MaxPeerFrameBytes => Math.Max(MaxAppendBytes, MaxStoredEntryBytes) + FrameSlack;

    /// <summary>The largest snapshot a correct peer sends: the largest configuration and a full idempotency window.</summary>
    public long MaxSnapshotBytes => 4 + Configuration.MaxEncodedBytes + 5 + ((long)IdempotencyWindow * Idempotency.DedupTable.MaxEncodedKeyBytes);

    /// <summary>The first bound that cannot hold together, or null when they all do.</summary>
    public string? Check()
    {
        if (MaxEntryBytes < 1) return "MaxEntryBytes must be at least 1";
        if (MaxRequestBodyBytes < MaxEntryBytes) return "MaxRequestBodyBytes must be at least MaxEntryBytes";
        if (MaxAppendBytes < 1) return "MaxAppendBytes must be at least 1";
        if (MaxEntryBytes > MaxAppendBytes) return "MaxEntryBytes must not exceed MaxAppendBytes";
        if (MaxEntryBytes > MaxEntryBytesCeiling) return $"MaxEntryBytes must not exceed {MaxEntryBytesCeiling} (64 MiB)";
        return null;
    }
}

namespace HttpRaft.Consensus;

/// <summary>Why a proposal was not appended.</summary>
public enum ProposeRejection
{
    None,
    /// <summary>This node is not the leader; <see cref="ProposeResult.LeaderId"/> names the leader if known.</summary>
    NotLeader,
    /// <summary>The leader holds more uncommitted bytes than <see cref="RaftConfig.MaxUncommittedBytes"/>.</summary>
    Overloaded,
    /// <summary>
    /// The leader is handing leadership over (<see cref="RaftNode.TransferLeadership"/>): an entry appended now would
    /// leave the target behind and lose it the election (hashicorp/raft#581). Retry once the transfer ends.
    /// </summary>
    Transferring,
}

/// <summary>
/// The answer to <see cref="RaftNode.Propose(IReadOnlyList{ReadOnlyMemory{byte}})"/>: the index range and term the entries were appended with
/// (they are committed once the commit index reaches <see cref="LastIndex"/> with that term still at
/// those indexes), or why they were dropped and which node leads.
/// </summary>
public readonly record struct ProposeResult(ProposeRejection Rejection, long FirstIndex, long LastIndex, long Term, int LeaderId)
{
    public bool Accepted => Rejection == ProposeRejection.None;

    internal static ProposeResult Appended(long first, long last, long term, int leader) =>
        new(ProposeRejection.None, first, last, term, leader);

    internal static ProposeResult Dropped(ProposeRejection why, long term, int leader) => new(why, 0, 0, term, leader);
}

namespace HttpRaft.Consensus;

/// <summary>What <see cref="RaftNode.TransferLeadership"/> did with a request to hand leadership over.</summary>
public enum TransferResult
{
    /// <summary>The transfer is under way: the target is being caught up, or has been told to campaign.</summary>
    Started,
    /// <summary>This node does not lead, so it has nothing to hand over.</summary>
    NotLeader,
    /// <summary>The target is this node, the leader already.</summary>
    AlreadyLeader,
    /// <summary>The target is no voting member of the cluster (unknown, or a learner), or there is no other voter to choose.</summary>
    InvalidTarget,
}

namespace HttpRaft.Consensus;

/// <summary>How the leader is currently replicating to a follower.</summary>
internal enum ReplicationState
{
    /// <summary>Where the follower's log matches is unknown: send one AppendEntries at a time and wait for its answer.</summary>
    Probe,
    /// <summary>The follower's log matches up to Match: stream entries optimistically, bounded by <see cref="Inflights"/>.</summary>
    Replicate,
    /// <summary>The entries the follower needs are compacted away: a snapshot is being sent; no entries until it is installed.</summary>
    Snapshot,
}

/// <summary>
/// The leader's view of one follower (§5.3): the highest index known replicated (match index), the next
/// index to send (next index), and the flow-control state. Invariant: Match &lt; Next.
/// </summary>
internal sealed class Progress(long next, int maxInflight, long maxInflightBytes = 0)
{
    public long Match { get; private set; }

    public long Next { get; private set; } = next;

    public ReplicationState State { get; private set; } = ReplicationState.Probe;

    /// <summary>In probe state, a probe is outstanding; nothing more is sent until it is answered or a heartbeat is.</summary>
    public bool ProbeSent { get; set; }

    /// <summary>The highest commit index this follower has been sent for entries it holds: what it can have committed.</summary>
    public long SentCommit { get; set; }

    /// <summary>Heard from since the last check-quorum round.</summary>
    public bool RecentActive { get; set; }

    /// <summary>Leader ticks since this follower's last message: how long ago the leader heard from it.</summary>
    public int TicksSinceHeard { get; set; }

    /// <summary>The highest read round this follower has acknowledged in the current term.</summary>
    public long AckedReadRound { get; set; }

    public Inflights Inflights { get; } = new(maxInflight, maxInflightBytes);

    /// <summary>In snapshot state: the index of the snapshot being sent.</summary>
    public long PendingSnapshot { get; private set; }

    /// <summary>In snapshot state: how many of its bytes the follower acknowledged holding.</summary>
    public long SnapshotOffset { get; set; }

    public bool IsPaused => State switch
    {
        ReplicationState.Probe => ProbeSent,
        ReplicationState.Replicate => Inflights.IsFull,
        _ => true,
    };

    /// <summary>Starts sending the snapshot at <paramref name="index"/> from its first byte.</summary>
    public void BecomeSnapshot(long index)
    {
        State = ReplicationState.Snapshot;
        PendingSnapshot = index;
        SnapshotOffset = 0;
        Inflights.Reset();
    }

    public void BecomeProbe()
    {
        State = ReplicationState.Probe;
        Next = Match + 1;
        ProbeSent = false;
        Inflights.Reset();
    }

    public void BecomeReplicate()
    {
        State = ReplicationState.Replicate;
        Next = Match + 1;
        ProbeSent = false;
        Inflights.Reset();
    }

    /// <summary>Records what was just sent: in replicate state the pipeline moves on; in probe state we wait.</summary>
    public void SentEntries(long lastIndex, long bytes)
    {
        if (State == ReplicationState.Replicate)
        {
            Next = lastIndex + 1;
            Inflights.Add(lastIndex, bytes);
        }
        else
        {
            ProbeSent = true;
        }
    }

    /// <summary>Applies an acknowledgement up to <paramref name="index"/>; false if it tells us nothing new (stale or duplicate).</summary>
    public bool MaybeUpdate(long index)
    {
        var updated = index > Match;
        if (updated)
        {
            Match = index;
            ProbeSent = false;
        }
        Next = Math.Max(Next, index + 1);
        return updated;
    }

    /// <summary>
    /// Applies a rejection of the AppendEntries whose PrevLogIndex was <paramref name="rejected"/>, moving
    /// Next back to just after <paramref name="hintIndex"/>. A rejection that does not answer the message
    /// we are waiting on is stale and ignored: the Go original decremented Next on every rejection,
    /// so a delayed duplicate could push Next below Match and resend what the follower already has.
    /// </summary>
    public bool MaybeDecreaseTo(long rejected, long hintIndex)
    {
        if (State == ReplicationState.Replicate)
        {
            if (rejected <= Match) return false;
            Next = Match + 1;
            return true;
        }
        if (Next - 1 != rejected) return false;
        Next = Math.Max(Math.Min(rejected, hintIndex + 1), Match + 1);
        ProbeSent = false;
        return true;
    }
}

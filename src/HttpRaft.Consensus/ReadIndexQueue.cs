namespace HttpRaft.Consensus;

/// <summary>
/// A leader's linearizable reads waiting for leadership to be confirmed (dissertation §6.4). Each read is
/// stamped with the commit index at arrival and a read round; heartbeats carry the latest round, and a
/// majority echoing round r proves this node was still leader after every read of round ≤ r arrived.
/// Reads that arrive together share one round, so one heartbeat exchange confirms a whole batch.
/// </summary>
internal sealed class ReadIndexQueue
{
    private readonly Queue<PendingRead> waitingForQuorum = new();
    private readonly List<PendingRead> waitingForTermCommit = [];
    private bool roundOpen;

    /// <summary>The round the next heartbeat carries; reads added since the last heartbeat share it.</summary>
    public long CurrentRound { get; private set; }

    /// <summary>A read that cannot get an index until the leader has committed an entry of its own term.</summary>
    public void WaitForTermCommit(long requestId, int from) => waitingForTermCommit.Add(new PendingRead(requestId, from, 0, 0));

    /// <summary>Stamps reads held for the term's first commit now that the commit index is known to be current.</summary>
    public IEnumerable<(long RequestId, int From)> TakeWaitingForTermCommit()
    {
        var taken = waitingForTermCommit.Select(r => (r.RequestId, r.From)).ToList();
        waitingForTermCommit.Clear();
        return taken;
    }

    /// <summary>Queues a read at <paramref name="commitIndex"/> in the open round; returns that round.</summary>
    public long Add(long requestId, int from, long commitIndex)
    {
        if (!roundOpen)
        {
            CurrentRound++;
            roundOpen = true;
        }
        waitingForQuorum.Enqueue(new PendingRead(requestId, from, commitIndex, CurrentRound));
        return CurrentRound;
    }

    /// <summary>Closes the open round: called as a heartbeat carrying it is sent, so later reads need a later heartbeat.</summary>
    public void CloseRound() => roundOpen = false;

    /// <summary>Removes and returns every read whose round a majority has confirmed.</summary>
    public List<PendingRead> Confirm(long confirmedRound)
    {
        var ready = new List<PendingRead>();
        while (waitingForQuorum.Count > 0 && waitingForQuorum.Peek().Round <= confirmedRound) ready.Add(waitingForQuorum.Dequeue());
        return ready;
    }

    /// <summary>Removes and returns every waiting read, for failing them when leadership ends.</summary>
    public List<PendingRead> TakeAll()
    {
        var all = waitingForTermCommit.Concat(waitingForQuorum).ToList();
        waitingForTermCommit.Clear();
        waitingForQuorum.Clear();
        return all;
    }
}

/// <summary>A read waiting at the leader: who asked (the leader's own id for a local read), and the index it will be served at.</summary>
internal readonly record struct PendingRead(long RequestId, int From, long Index, long Round);

using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore.Node;

/// <summary>
/// Linearizable reads in progress: asked of the core (waiting for the leader to confirm an index), then
/// confirmed (waiting for this node to apply up to it). Owned by the node loop; not thread-safe.
/// </summary>
internal sealed class PendingReads
{
    private readonly Dictionary<long, (ReadIndexInput Read, long AskedAtTick)> asked = [];
    private readonly List<(long Index, ReadIndexInput Read)> confirmed = [];
    private long lastRequestId;

    /// <summary>Registers <paramref name="read"/> and returns the request id to hand to the core.</summary>
    public long Ask(ReadIndexInput read, long tick)
    {
        asked[++lastRequestId] = (read, tick);
        return lastRequestId;
    }

    public void OnReadStates(IReadOnlyList<ReadState> states)
    {
        foreach (var state in states)
        {
            if (!asked.Remove(state.RequestId, out var pending)) continue;
            if (state.Success) confirmed.Add((state.Index, pending.Read));
            else pending.Read.Complete(null);
        }
    }

    /// <summary>Serves every confirmed read whose index this node has now applied.</summary>
    public void OnApplied(long appliedIndex)
    {
        if (confirmed.Count == 0) return;
        foreach (var (index, read) in confirmed.Where(c => c.Index <= appliedIndex)) read.Complete(index);
        confirmed.RemoveAll(c => c.Index <= appliedIndex);
    }

    /// <summary>
    /// Fails reads whose answer never came (a forwarded request or its response was lost): the core does not
    /// retry them, and without this they would wait forever.
    /// </summary>
    public void ExpireAskedBefore(long tick)
    {
        foreach (var (id, pending) in asked.Where(a => a.Value.AskedAtTick < tick).ToList())
        {
            asked.Remove(id);
            pending.Read.Complete(null);
        }
    }

    public void FailAll()
    {
        foreach (var (read, _) in asked.Values) read.Complete(null);
        foreach (var (_, read) in confirmed) read.Complete(null);
        asked.Clear();
        confirmed.Clear();
    }
}

using HttpRaft.AspNetCore.Node;
using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore.Idempotency;

/// <summary>
/// Exactly-once appends, decided on the node loop before a keyed proposal reaches the core: a key already applied
/// gets its original answer (or a conflict), a key still in flight on this leader waits for that append instead of
/// appending twice, and a new leader holds keyed proposals back until it has applied every entry of earlier terms
/// (only then does its table know every key its log holds). A key is remembered while its entry is among the last
/// <c>window</c> log entries applied, so the table a restart rebuilds (by reading just those entries) is the one the
/// node had. Owned by the node loop; not thread-safe.
/// </summary>
internal sealed class IdempotentAppends(long window)
{
    // Bytes read per storage call when rebuilding, so large entries cannot balloon one read.
    private const long RebuildChunkBytes = 4 * 1024 * 1024;

    private readonly DedupTable table = new();
    private readonly Dictionary<string, ProposeInput> inFlight = new(StringComparer.Ordinal);
    private readonly List<ProposeInput> deferred = [];

    public int KnownKeys => table.Count;

    public bool HasDeferred => deferred.Count > 0;

    /// <summary>
    /// True when <paramref name="proposal"/> should be proposed now. False when it was answered (replayed,
    /// conflicting, or joined to the same key's append in flight) or held back while a new leader catches up.
    /// </summary>
    public bool Admit(ProposeInput proposal, bool leaderCatchingUp, int leaderId)
    {
        var keyed = proposal.Keyed ?? throw new ArgumentException("Only keyed proposals are admitted here.", nameof(proposal));
        if (table.TryGet(keyed.Key, out var done))
        {
            proposal.Complete(Replay(done, keyed, leaderId));
            return false;
        }
        if (inFlight.TryGetValue(keyed.Key, out var original))
        {
            _ = JoinAsync(original, proposal);
            return false;
        }
        if (leaderCatchingUp) deferred.Add(proposal);
        return !leaderCatchingUp;
    }

    /// <summary>Records that <paramref name="proposal"/> is appended and waiting to commit, so a retry of its key joins it.</summary>
    public void Proposed(ProposeInput proposal) => inFlight[proposal.Keyed!.Key] = proposal;

    /// <summary>The proposals held back while catching up, to propose again now; the list is emptied.</summary>
    public IReadOnlyList<ProposeInput> TakeDeferred()
    {
        var taken = deferred.ToList();
        deferred.Clear();
        return taken;
    }

    /// <summary>Learns the keys of newly applied entries (on every node, so any node can lead with the full table).</summary>
    public void OnApplied(IReadOnlyList<Entry> committed)
    {
        foreach (var entry in committed)
        {
            if (!entry.IsClientEntry || ClientPayload.KeyedHeaderOf(entry.Data.Span) is not { } header) continue;
            Learn(entry.Index, entry.Term, header);
        }
        if (committed.Count > 0) table.ForgetThrough(committed[^1].Index - window);
    }

    /// <summary>This node stopped leading: its in-flight keys are the waiters' business now; held-back proposals were never appended.</summary>
    public void OnLeadershipLost(int leaderId, long term)
    {
        inFlight.Clear();
        foreach (var proposal in TakeDeferred()) proposal.Complete(AppendResult.Failed(AppendOutcome.NotLeader, leaderId, term));
    }

    /// <summary>Fails everything held back: the node is stopping.</summary>
    public void FailAll()
    {
        inFlight.Clear();
        foreach (var proposal in TakeDeferred()) proposal.Complete(AppendResult.Failed(AppendOutcome.Stopped, RaftNode.None));
    }

    /// <summary>What a snapshot at <paramref name="index"/> carries of this table: the keys of appends at or below it.</summary>
    public byte[] SnapshotData(long index) => table.Encode(index);

    /// <summary>
    /// Takes the table from a snapshot at <paramref name="index"/> (installed from a leader, or the one a restart finds),
    /// keeping what is still in the window; null on success, otherwise what is wrong (the table is then empty).
    /// </summary>
    public string? Restore(ReadOnlySpan<byte> data, long index)
    {
        var problem = table.Load(data);
        table.ForgetThrough(index - window);
        return problem;
    }

    /// <summary>Rebuilds the table after a restart from the window's entries: the last <c>window</c> applied ones, read oldest first.</summary>
    public void Rebuild(IRaftLogStorage storage, long appliedIndex)
    {
        var low = Math.Max(storage.FirstIndex, appliedIndex - window + 1);
        while (low <= appliedIndex)
        {
            var part = storage.Entries(low, appliedIndex + 1, RebuildChunkBytes);
            if (part.Count == 0) break;
            OnApplied(part);
            low = part[^1].Index + 1;
        }
    }

    private void Learn(long index, long term, KeyedHeader header)
    {
        table.Add(header.Key, new KeyedAppend(index, index + header.EntryCount - 1, term, header.RequestHash));
        inFlight.Remove(header.Key);
    }

    private static AppendResult Replay(KeyedAppend done, KeyedHeader request, int leaderId) => done.SameRequest(request.RequestHash)
        ? new AppendResult(AppendOutcome.Committed, done.FirstIndex, done.LastIndex, done.Term, leaderId) { Replayed = true }
        : AppendResult.Failed(AppendOutcome.KeyConflict, leaderId, done.Term);

    /// <summary>Answers a retry with whatever its key's append in flight gets (awaited off the loop: completions run asynchronously).</summary>
    private static async Task JoinAsync(ProposeInput original, ProposeInput retry)
    {
        if (!original.Keyed!.RequestHash.AsSpan().SequenceEqual(retry.Keyed!.RequestHash))
        {
            retry.Complete(AppendResult.Failed(AppendOutcome.KeyConflict, RaftNode.None));
            return;
        }
        var result = await original.Task.ConfigureAwait(false);
        retry.Complete(result.Committed ? result with { Replayed = true } : result);
    }
}

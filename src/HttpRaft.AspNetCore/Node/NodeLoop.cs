using System.Diagnostics;
using HttpRaft.Consensus;
using HttpRaft.Storage;
using HttpRaft.AspNetCore.Idempotency;
using HttpRaft.AspNetCore.Observability;
using HttpRaft.AspNetCore.Peers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore.Node;

/// <summary>
/// The one task that owns the consensus core (DESIGN §1): it waits for input, drains everything waiting in the
/// inbox and steps the core with it, then carries out each <see cref="Ready"/> in order: persist (one sync per
/// batch), send, apply (complete waiting clients), advance. Nothing else touches the <see cref="RaftNode"/>.
/// </summary>
internal sealed class NodeLoop(
    NodeInbox inbox,
    IRaftStorage storage,
    IPeerTransport transport,
    NodeViewHolder views,
    IOptions<RaftHostOptions> options,
    TimeProvider time,
    ILogger<NodeLoop> logger,
    LoopStats? loopStats = null) : BackgroundService
{
    // Bounds one batch so a flood of input cannot delay persisting and answering what was already stepped.
    private const int MaxInputsPerBatch = 4096;

    private readonly RaftHostOptions settings = options.Value;
    private readonly LoopStats stats = loopStats ?? new LoopStats(new NodeTelemetry(options.Value.Id), options);
    private readonly CommitWaiters waiters = new(loopStats?.Appends);
    private readonly PendingReads reads = new();
    private readonly IdempotentAppends keyed = new(options.Value.IdempotencyWindow);
    private RaftNode? core;
    private long ticks;
    private long applied;
    private long appliedTerm;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            StartCore();
            var interval = TimeSpan.FromMilliseconds(settings.TickIntervalMs);
            using var timer = time.CreateTimer(_ => inbox.PostTick(), null, interval, interval);
            await RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Normal shutdown.
        }
        catch (Exception e)
        {
            HostLog.LoopFailed(logger, e);
            // The host stops when a background service fails; the process must not then report success.
            Environment.ExitCode = 1;
            throw;
        }
        finally
        {
            Shutdown();
        }
    }

    /// <summary>Resumes the core from what storage holds, and carries out whatever that leaves to do.</summary>
    private void StartCore()
    {
        // Resume from the persisted commit index instead of replaying the whole log.
        core = new RaftNode(settings.ToRaftConfig(applied: NodeViewHolder.AppliedAtStart(storage)), storage);
        applied = Core.Status().AppliedIndex;
        appliedTerm = storage.Term(applied);
        keyed.Rebuild(storage, applied);
        stats.Observe(storage);
        // A cluster of one needs no votes: lead at once instead of after an election timeout.
        if (settings.Peers.Count == 1) Core.Campaign();
        HandleReadies();
        Publish();
        PublishSnapshot();
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        while (await inbox.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
        {
            var start = Stopwatch.GetTimestamp();
            Drain();
            HandleReadies();
            Publish();
            stats.Busy(start);
        }
    }

    private void Drain()
    {
        ProposeDeferred();
        for (var i = 0; i < MaxInputsPerBatch && inbox.Reader.TryRead(out var input); i++) Handle(input);
    }

    private void Handle(NodeInput input)
    {
        switch (input)
        {
            case TickInput:
                OnTick();
                break;
            case PeerInput peer:
                stats.Received(peer.Message);
                Core.Step(peer.Message);
                break;
            case ProposeInput proposal:
                Propose(proposal);
                break;
            case ReadIndexInput read:
                Core.ReadIndex(reads.Ask(read, ticks));
                break;
            case StatusInput status:
                status.Complete(Core.Status());
                break;
        }
    }

    private void OnTick()
    {
        inbox.TickTaken();
        ticks++;
        Core.Tick();
        if (stats.SnapshotDue(ticks)) PublishSnapshot();
        // Two election timeouts is ample for a read round trip; older unanswered reads were lost.
        if (ticks % settings.ElectionTicks == 0) reads.ExpireAskedBefore(ticks - 2 * settings.ElectionTicks);
    }

    private void Propose(ProposeInput proposal)
    {
        if (proposal.Keyed is not null && !keyed.Admit(proposal, LeaderCatchingUp, Core.LeaderId)) return;
        var result = Core.Propose(proposal.Payloads, proposal.FirstKind);
        if (result.Accepted)
        {
            proposal.Appended(result);
            waiters.Add(proposal);
            if (proposal.Keyed is not null) keyed.Proposed(proposal);
            return;
        }
        stats.ProposalsFailed(1);
        var outcome = result.Rejection == ProposeRejection.Overloaded ? AppendOutcome.Overloaded : AppendOutcome.NotLeader;
        proposal.Complete(AppendResult.Failed(outcome, result.LeaderId, result.Term));
    }

    /// <summary>A new leader's table knows every key in its log only once it has applied an entry of its own term.</summary>
    private bool LeaderCatchingUp => Core.Role == Role.Leader && appliedTerm != Core.Term;

    /// <summary>Proposes the keyed appends held back while this leader caught up, once it has.</summary>
    private void ProposeDeferred()
    {
        if (!keyed.HasDeferred || LeaderCatchingUp) return;
        foreach (var proposal in keyed.TakeDeferred()) Propose(proposal);
    }

    private void HandleReadies()
    {
        while (Core.HasReady)
        {
            var ready = Core.GetReady();
            // A leader's AppendEntries go out first, so the followers' fsyncs run while this node does its own.
            if (ready.CanSendBeforePersisting) transport.Send(ready.Messages);
            storage.Save(ready.HardState, ready.Entries, ready.MustSync);
            if (!ready.CanSendBeforePersisting) transport.Send(ready.Messages);
            stats.Sent(ready.Messages);
            if (ready.Entries.Count > 0 && Core.Role == Role.Leader) stats.Appended(ready.Entries[^1].Index);
            Apply(ready.CommittedEntries);
            if (ready.SoftState is { } soft) OnSoftState(soft);
            reads.OnReadStates(ready.ReadStates);
            reads.OnApplied(applied);
            Core.Advance(ready);
        }
    }

    private void Apply(IReadOnlyList<Entry> committed)
    {
        if (committed.Count == 0) return;
        applied = committed[^1].Index;
        appliedTerm = committed[^1].Term;
        keyed.OnApplied(committed);
        // Publish before completing waiters, so a client told "committed" can read its entry at once.
        Publish();
        waiters.OnCommitted(committed, Core.LeaderId);
    }

    private void OnSoftState(SoftState soft)
    {
        HostLog.RoleChanged(logger, soft.Role, soft.Term, soft.LeaderId);
        stats.OnSoftState(Core.Id, soft);
        if (soft.Role != Role.Leader && waiters.Count > 0)
        {
            stats.ProposalsFailed(waiters.Count);
            waiters.FailAll(AppendOutcome.LeadershipLost, soft.LeaderId, soft.Term);
        }
        if (soft.Role != Role.Leader) keyed.OnLeadershipLost(soft.LeaderId, soft.Term);
        // A change of role or leader shows on the dashboard at once, not at the next snapshot.
        PublishSnapshot();
    }

    /// <summary>The core; set before the loop reads its first input.</summary>
    private RaftNode Core => core!;

    private void Publish() => views.Publish(new NodeView(
        Core.Id, Core.Role, Core.Term, Core.LeaderId, Core.CommitIndex, applied, Core.LastIndex));

    /// <summary>The dashboard's and the gauges' view, a few times a second: the core's full status costs too much per batch.</summary>
    private void PublishSnapshot() => stats.Publish(Core.Status(), storage.FirstIndex, waiters.Count, StorageStatistics.Of(storage));

    private void Shutdown()
    {
        inbox.Close();
        waiters.FailAll(AppendOutcome.Stopped, RaftNode.None, 0);
        reads.FailAll();
        keyed.FailAll();
        while (inbox.Reader.TryRead(out var input))
        {
            switch (input)
            {
                case ProposeInput proposal: proposal.Complete(AppendResult.Failed(AppendOutcome.Stopped, RaftNode.None)); break;
                case ReadIndexInput read: read.Complete(null); break;
                case StatusInput status when core is not null: status.Complete(core.Status()); break;
            }
        }
    }
}

using HttpRaft.Consensus;
using HttpRaft.Storage;
using HttpRaft.AspNetCore.Idempotency;
using HttpRaft.AspNetCore.Peers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore.Node;

/// <summary>
/// The one task that owns the consensus core (docs/design.md §1.1): it waits for input, drains everything waiting in the
/// inbox and steps the core with it, then carries out each <see cref="Ready"/> in order: persist (one sync per
/// batch), send, apply (complete waiting clients), advance. Nothing else touches the <see cref="RaftNode"/>.
/// When the host stops, a leader first hands leadership over and lets waiting clients finish (<see cref="StoppingAsync"/>).
/// </summary>
internal sealed class NodeLoop(
    NodeInbox inbox,
    IRaftStorage storage,
    IPeerTransport transport,
    NodeViewHolder views,
    PeerStreamLifetime peerStreams,
    IOptions<RaftHostOptions> options,
    TimeProvider time,
    ILogger<NodeLoop> logger) : BackgroundService, IHostedLifecycleService
{
    // Bounds one batch so a flood of input cannot delay persisting and answering what was already stepped.
    private const int MaxInputsPerBatch = 4096;

    private readonly RaftHostOptions settings = options.Value;
    private readonly CommitWaiters waiters = new();
    private readonly PendingReads reads = new();
    private readonly IdempotentAppends keyed = new(options.Value.IdempotencyWindow);
    private readonly LeadershipTransfers transfers = new();
    private readonly List<DrainInput> drains = [];
    private RaftNode? core;
    private long ticks;
    private long leadershipLostAtTick = -1;
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
        // A cluster of one needs no votes: lead at once instead of after an election timeout.
        if (settings.Peers.Count == 1) Core.Campaign();
        HandleReadies();
        Publish();
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        while (await inbox.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
        {
            Drain();
            HandleReadies();
            Publish();
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
            case TransferInput transfer:
                transfers.Start(transfer, Core);
                break;
            case DrainInput drain:
                drains.Add(drain);
                break;
        }
    }

    private void OnTick()
    {
        inbox.TickTaken();
        ticks++;
        Core.Tick();
        // Two election timeouts is ample for a read round trip; older unanswered reads were lost.
        if (ticks % settings.ElectionTicks == 0) reads.ExpireAskedBefore(ticks - 2 * settings.ElectionTicks);
        FailWaitersLongAfterLeadershipLost();
    }

    /// <summary>
    /// A deposed leader's appends usually commit under the next leader within a round trip of its election, and their
    /// clients should hear "committed" rather than "unsure". Those not committed two election timeouts after leadership
    /// was lost are answered as unsure now, so a client retries instead of waiting out the commit timeout.
    /// </summary>
    private void FailWaitersLongAfterLeadershipLost()
    {
        if (leadershipLostAtTick < 0 || ticks - leadershipLostAtTick < 2 * settings.ElectionTicks) return;
        leadershipLostAtTick = -1;
        if (waiters.Count > 0) waiters.FailAll(AppendOutcome.LeadershipLost, Core.LeaderId, Core.Term);
    }

    private void Propose(ProposeInput proposal)
    {
        if (proposal.Keyed is not null && !keyed.Admit(proposal, LeaderCatchingUp, Core.LeaderId)) return;
        var result = Core.Propose(proposal.Payloads);
        if (result.Accepted)
        {
            proposal.Appended(result);
            waiters.Add(proposal);
            if (proposal.Keyed is not null) keyed.Proposed(proposal);
            return;
        }
        if (result.Rejection == ProposeRejection.Transferring)
        {
            transfers.Hold(proposal);
            return;
        }
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
            Apply(ready.CommittedEntries);
            if (ready.SoftState is { } soft) OnSoftState(soft);
            reads.OnReadStates(ready.ReadStates);
            reads.OnApplied(applied);
            Core.Advance(ready);
        }
        SettleTransfers();
    }

    /// <summary>Answers transfers that ended, proposes the appends they held back, and answers drains once nothing waits.</summary>
    private void SettleTransfers()
    {
        if (transfers.HasWork)
        {
            foreach (var proposal in transfers.Settle(Core)) Propose(proposal);
            // Proposing may have produced work of its own.
            if (Core.HasReady) HandleReadies();
        }
        if (drains.Count == 0 || waiters.Count > 0 || transfers.HasWork) return;
        foreach (var drain in drains) drain.Complete(true);
        drains.Clear();
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
        if (soft.Role == Role.Leader)
        {
            leadershipLostAtTick = -1;
            return;
        }
        // Waiters stay: what this node appended may still commit under the next leader (see FailWaitersLongAfterLeadershipLost).
        if (waiters.Count > 0 && leadershipLostAtTick < 0) leadershipLostAtTick = ticks;
        keyed.OnLeadershipLost(soft.LeaderId, soft.Term);
    }

    /// <summary>The core; set before the loop reads its first input.</summary>
    private RaftNode Core => core!;

    private void Publish() => views.Publish(new NodeView(
        Core.Id, Core.Role, Core.Term, Core.LeaderId, Core.CommitIndex, applied, Core.LastIndex));

    private void Shutdown()
    {
        inbox.Close();
        peerStreams.End();
        waiters.FailAll(AppendOutcome.Stopped, RaftNode.None, 0);
        reads.FailAll();
        keyed.FailAll();
        transfers.FailAll();
        foreach (var drain in drains) drain.Complete(false);
        while (inbox.Reader.TryRead(out var input))
        {
            switch (input)
            {
                case ProposeInput proposal: proposal.Complete(AppendResult.Failed(AppendOutcome.Stopped, RaftNode.None)); break;
                case ReadIndexInput read: read.Complete(null); break;
                case StatusInput status when core is not null: status.Complete(core.Status()); break;
                case TransferInput transfer: transfer.Complete(new TransferOutcome(TransferStatus.Stopped, RaftNode.None)); break;
                case DrainInput drain: drain.Complete(false); break;
            }
        }
    }

    /// <summary>One election timeout: how long a stopping node gives each of its hand-over steps.</summary>
    private TimeSpan ElectionTimeout => TimeSpan.FromMilliseconds(settings.ElectionTicks * settings.TickIntervalMs);

    /// <summary>
    /// Runs when the host starts stopping, before the server stops taking requests (as etcd and rqlite do on a graceful
    /// stop): a leader hands leadership to the most up-to-date voter, so the cluster has a leader again within a round
    /// trip instead of an election timeout; then clients still waiting on this node get their answer (committed, or the
    /// new leader to retry with) before the peer streams that carry those answers are cut. Each step is bounded by an
    /// election timeout.
    /// </summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (views.Current.IsLeader && settings.Peers.Count > 1) await AskAsync(new TransferInput(RaftNode.None), cancellationToken).ConfigureAwait(false);
            await AskAsync(new DrainInput(), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            peerStreams.End();
        }
    }

    private async Task AskAsync<T>(NodeRequest<T> request, CancellationToken cancellationToken)
    {
        if (!inbox.TryPostClient(request)) return;
        await ((Task)request.Task.WaitAsync(ElectionTimeout, time, cancellationToken)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

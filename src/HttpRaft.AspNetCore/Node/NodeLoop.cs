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
    ILogger<NodeLoop> logger,
    LoopStats? loopStats = null) : BackgroundService, IHostedLifecycleService
{
    // Bounds one batch so a flood of input cannot delay persisting and answering what was already stepped.
    private const int MaxInputsPerBatch = 4096;

    private readonly RaftHostOptions settings = options.Value;
    private readonly LoopStats stats = loopStats ?? new LoopStats(new NodeTelemetry(options.Value.Id), options);
    private readonly CommitWaiters waiters = new(loopStats?.Appends);
    private readonly PendingReads reads = new();
    private readonly IdempotentAppends keyed = new(options.Value.IdempotencyWindow);
    private readonly LeadershipTransfers transfers = new();
    private readonly MembershipChanges changes = new();
    private readonly MembershipTracker membership = new(options.Value.Id, options.Value.SeedAddresses);
    private readonly LogCompaction compaction = new(storage, options.Value.Retention, time, logger);
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
        RestoreTable(storage.Snapshot);
        keyed.Rebuild(storage, applied);
        compaction.Resume(applied);
        stats.Observe(storage);
        OnConfiguration(Core.Configuration, Core.ConfigurationIndex);
        WarnIfBootstrapListDiffers();
        // A cluster of one voter needs no votes: lead at once instead of after an election timeout.
        if (Core.Configuration.Voters is [var only] && only == Core.Id) Core.Campaign();
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
            case TransferInput transfer:
                transfers.Start(transfer, Core);
                break;
            case DrainInput drain:
                drains.Add(drain);
                break;
            case ChangeInput change:
                changes.Propose(change, Core);
                break;
            case TruncateInput truncate:
                compaction.Request(truncate, Core);
                break;
            case RemovedInput:
                Core.ReportRemoved();
                break;
        }
    }

    private void OnTick()
    {
        inbox.TickTaken();
        ticks++;
        Core.Tick();
        if (stats.SnapshotDue(ticks)) PublishSnapshot();
        compaction.CheckRetention(Core);
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
        if (waiters.Count == 0) return;
        stats.ProposalsFailed(waiters.Count);
        waiters.FailAll(AppendOutcome.LeadershipLost, Core.LeaderId, Core.Term);
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
            // Before anything is sent: the batch may already address a member its configuration just added.
            if (ready.Configuration is { } configuration) OnConfiguration(configuration, ready.ConfigurationIndex);
            // A leader's AppendEntries go out first, so the followers' fsyncs run while this node does its own.
            if (ready.CanSendBeforePersisting) transport.Send(ready.Messages);
            if (ready.Snapshot is { } snapshot) InstallSnapshot(snapshot);
            storage.Save(ready.HardState, ready.Entries, ready.MustSync);
            if (!ready.CanSendBeforePersisting) transport.Send(ready.Messages);
            stats.Sent(ready.Messages);
            if (ready.Entries.Count > 0 && Core.Role == Role.Leader) stats.Appended(ready.Entries[^1].Index);
            Apply(ready.CommittedEntries);
            if (ready.SoftState is { } soft) OnSoftState(soft);
            reads.OnReadStates(ready.ReadStates);
            reads.OnApplied(applied);
            Core.Advance(ready);
            if (compaction.CutIfDue(Core, keyed))
            {
                Publish();
                views.Applied.Cut();
            }
        }
        SettleTransfers();
    }

    /// <summary>
    /// A leader's snapshot replaces this node's log (Raft §7): storage keeps it durably and empties the log, and what
    /// was applied is now what the snapshot covers, with the idempotency table it carries.
    /// </summary>
    private void InstallSnapshot(Snapshot snapshot)
    {
        var start = Stopwatch.GetTimestamp();
        storage.InstallSnapshot(snapshot);
        RestoreTable(snapshot);
        applied = snapshot.Index;
        appliedTerm = snapshot.Term;
        if (membership.OnApplied(applied)) transport.UpdatePeers(membership.Peers());
        // What this node once appended as leader at or below the snapshot's index is beyond its knowledge now.
        if (waiters.Count > 0) waiters.FailAll(AppendOutcome.LeadershipLost, Core.LeaderId, Core.Term);
        stats.SnapshotInstalled();
        // Readers see the new first index at once, and a long-poll waiting below it learns its entries are gone.
        Publish();
        views.Applied.Cut();
        var milliseconds = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        HostLog.SnapshotInstalled(logger, snapshot.Index, snapshot.Term, snapshot.Data.Length, milliseconds);
    }

    private void RestoreTable(Snapshot? snapshot)
    {
        if (snapshot is null) return;
        if (keyed.Restore(snapshot.HostData.Span, snapshot.Index) is { } problem) HostLog.SnapshotTableUnreadable(logger, snapshot.Index, problem);
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
        compaction.OnApplied(committed);
        if (membership.OnApplied(applied)) transport.UpdatePeers(membership.Peers());
        // Publish before completing waiters, so a client told "committed" can read its entry at once.
        Publish();
        waiters.OnCommitted(committed, Core.LeaderId);
        changes.OnCommitted(committed, membership.Current, Core.LeaderId);
    }

    /// <summary>Takes a new configuration in force: who the transport reaches, and what request threads see.</summary>
    private void OnConfiguration(Configuration configuration, long index)
    {
        membership.OnConfiguration(configuration, index);
        transport.UpdatePeers(membership.Peers());
        HostLog.MembershipChanged(logger, index, configuration);
    }

    /// <summary>
    /// peers.json is the bootstrap membership only: once the log holds the membership, an edit of the file changes
    /// nothing, and an operator who made one expecting it to should hear so (etcd ignores --initial-cluster the same way).
    /// </summary>
    private void WarnIfBootstrapListDiffers()
    {
        if (settings.Joined || Core.ConfigurationIndex == 0) return;
        var current = membership.Current;
        var differs = settings.BootstrapConfiguration.Members.Any(m => MemberAddress.Parse(m.Address) != current.AddressOf(m.Id) || !current.Configuration.Contains(m.Id));
        if (differs) HostLog.BootstrapListIgnored(logger, settings.Peers.Count, current.Configuration);
    }

    private void OnSoftState(SoftState soft)
    {
        HostLog.RoleChanged(logger, soft.Role, soft.Term, soft.LeaderId);
        stats.OnSoftState(Core.Id, soft);
        if (soft.Role == Role.Leader)
        {
            leadershipLostAtTick = -1;
        }
        else
        {
            // Waiters stay: what this node appended may still commit under the next leader (see FailWaitersLongAfterLeadershipLost).
            if (waiters.Count > 0 && leadershipLostAtTick < 0) leadershipLostAtTick = ticks;
            keyed.OnLeadershipLost(soft.LeaderId, soft.Term);
            compaction.OnLeadershipLost(Core);
        }
        // A change of role or leader shows on the dashboard at once, not at the next snapshot.
        PublishSnapshot();
    }

    /// <summary>The core; set before the loop reads its first input.</summary>
    private RaftNode Core => core!;

    private void Publish() => views.Publish(new NodeView(
        Core.Id, Core.Role, Core.Term, Core.LeaderId, Core.CommitIndex, applied, Core.LastIndex)
    {
        FirstIndex = Core.FirstIndex,
        Membership = membership.Current,
        Removed = Core.Removed,
    });

    /// <summary>The dashboard's and the gauges' view, a few times a second: the core's full status costs too much per batch.</summary>
    private void PublishSnapshot() => stats.Publish(Core.Status(), storage.FirstIndex, waiters.Count, storage.Statistics);

    private void Shutdown()
    {
        inbox.Close();
        peerStreams.End();
        waiters.FailAll(AppendOutcome.Stopped, RaftNode.None, 0);
        reads.FailAll();
        keyed.FailAll();
        transfers.FailAll();
        changes.FailAll(ChangeStatus.Stopped, RaftNode.None);
        compaction.FailAll();
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
                case ChangeInput change: change.Complete(new ChangeOutcome(ChangeStatus.Stopped, null, null, RaftNode.None)); break;
                case TruncateInput truncate: truncate.Complete(new TruncateOutcome(TruncateStatus.Stopped, 0, 0, 0, RaftNode.None)); break;
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
            if (views.Current.IsLeader && views.Current.Membership.Configuration.Voters.Count > 1) await AskAsync(new TransferInput(RaftNode.None), cancellationToken).ConfigureAwait(false);
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

using System.Diagnostics;
using HttpRaft.Consensus;
using HttpRaft.Storage;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore.Observability;

/// <summary>
/// What the node loop measures about itself, owned by the loop: busy time, heartbeat round trips, when the leader
/// appended what, append and fsync latencies per second, changes of role and leader. It feeds <see cref="RaftMetrics"/>
/// as things happen and publishes to <see cref="NodeTelemetry"/> a few times a second. Every method is for the loop's
/// thread only (fsyncs are reported by storage from inside the loop's save); none allocates on the per-batch path.
/// </summary>
internal sealed class LoopStats
{
    private static readonly long SampleTicks = Stopwatch.Frequency;

    private readonly RaftMetrics? metrics;
    private readonly PeerRoundTrips roundTrips;
    private readonly AppendTimes appendTimes = new();
    private readonly LatencyWindow fsyncs = new();
    private readonly int ticksPerSnapshot;
    private long sampleStart = Stopwatch.GetTimestamp();
    private long sampleBusy;
    private long sampleCommit = -1;
    private int lastLeader = RaftNode.None;
    private long lastTerm;
    private Role lastRole = Role.Follower;

    public LoopStats(NodeTelemetry telemetry, IOptions<RaftHostOptions> options, RaftMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Telemetry = telemetry;
        this.metrics = metrics;
        roundTrips = new PeerRoundTrips();
        // About four snapshots a second, whatever the tick.
        ticksPerSnapshot = Math.Max(1, 250 / Math.Max(1, options.Value.TickIntervalMs));
    }

    public NodeTelemetry Telemetry { get; }

    /// <summary>Latencies of the proposals this leader committed, from reaching the inbox to commit; fed by the commit waiters.</summary>
    public LatencyWindow Appends { get; } = new();

    /// <summary>Has <paramref name="storage"/> report its fsyncs here, if it is the kind that does.</summary>
    public void Observe(IRaftStorage storage)
    {
        if (storage is FileRaftStorage disk) disk.SyncTimed = Fsynced;
    }

    /// <summary>Counts a loop iteration that started at <paramref name="start"/> as busy time.</summary>
    public void Busy(long start)
    {
        var busy = Stopwatch.GetTimestamp() - start;
        sampleBusy += busy;
        Telemetry.AddBusy(busy);
    }

    public void Sent(IReadOnlyList<Message> messages)
    {
        roundTrips.Sent(messages);
        for (var i = 0; i < messages.Count; i++)
        {
            // A transfer starts with its first piece (a lost first piece sent again counts again: rare, and still a send).
            if (messages[i] is SnapshotChunk { Offset: 0 }) metrics?.SnapshotSent();
        }
    }

    /// <summary>Counts a snapshot this node installed from a leader.</summary>
    public void SnapshotInstalled() => metrics?.SnapshotReceived();

    public void Received(Message message)
    {
        if (message is not HeartbeatResponse) return;
        if (roundTrips.Received(message, Stopwatch.GetTimestamp()) is { } seconds) metrics?.RoundTrip(message.From, seconds);
    }

    /// <summary>Notes entries up to <paramref name="lastIndex"/> persisted by this leader now.</summary>
    public void Appended(long lastIndex) => appendTimes.Appended(lastIndex, Stopwatch.GetTimestamp());

    public void ProposalsFailed(int count)
    {
        if (count > 0) metrics?.ProposalsFailed(count);
    }

    private void Fsynced(double seconds)
    {
        fsyncs.Record((long)(seconds * Stopwatch.Frequency));
        metrics?.Fsynced(seconds);
    }

    /// <summary>True on the ticks a snapshot is due (about four a second).</summary>
    public bool SnapshotDue(long ticks) => ticks % ticksPerSnapshot == 0;

    /// <summary>Records what a change of soft state means for the timeline and the leader-change count.</summary>
    public void OnSoftState(int nodeId, SoftState soft)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (soft.Role is Role.PreCandidate or Role.Candidate && soft.Role != lastRole)
        {
            // A pre-candidate asks whether it could win the next term, without moving to it yet.
            var text = soft.Role == Role.PreCandidate
                ? $"node {nodeId} asks for pre-votes for term {soft.Term + 1}"
                : $"node {nodeId} starts an election for term {soft.Term}";
            Telemetry.Add(new ClusterEvent(now, "election", nodeId, soft.Term, null, text));
        }
        if (soft.LeaderId != RaftNode.None && (soft.LeaderId != lastLeader || soft.Term != lastTerm))
        {
            if (soft.LeaderId != lastLeader) metrics?.LeaderChanged();
            var text = soft.LeaderId == nodeId ? $"node {nodeId} becomes leader (term {soft.Term})" : $"node {nodeId} follows leader {soft.LeaderId} (term {soft.Term})";
            Telemetry.Add(new ClusterEvent(now, soft.LeaderId == nodeId ? "leader" : "follow", nodeId, soft.Term, soft.LeaderId, text));
            lastLeader = soft.LeaderId;
        }
        if (soft.Role != Role.Leader) appendTimes.Clear();
        lastRole = soft.Role;
        lastTerm = soft.Term;
    }

    /// <summary>Publishes a snapshot built from the core's status; and, once a second has passed, a rate sample.</summary>
    public void Publish(RaftStatus status, long firstIndex, int pendingProposals, StorageStatistics disk)
    {
        ArgumentNullException.ThrowIfNull(status);
        var now = Stopwatch.GetTimestamp();
        var unixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Telemetry.Publish(new NodeSnapshot(
            unixMs, status.Id, status.Role, status.Term, status.LeaderId, firstIndex, status.AppliedIndex, status.CommitIndex, status.LastIndex,
            Followers(status, now), pendingProposals, disk.DiskBytes, disk.Segments));
        if (now - sampleStart >= SampleTicks) Sample(status.CommitIndex, now, unixMs);
    }

    private List<FollowerSnapshot> Followers(RaftStatus status, long now)
    {
        var followers = new List<FollowerSnapshot>(status.Followers.Count);
        foreach (var (id, f) in status.Followers.OrderBy(f => f.Key))
        {
            if (id == status.Id) continue;
            var lag = Math.Max(0, status.LastIndex - f.MatchIndex);
            followers.Add(new FollowerSnapshot(
                id, f.MatchIndex, f.NextIndex, lag, lag == 0 ? 0 : appendTimes.LagMs(f.MatchIndex, now),
                f.Replicating ? "replicate" : "probe", f.Inflight, f.RecentActive, roundTrips.LastMs(id)));
        }
        return followers;
    }

    private void Sample(long commitIndex, long now, long unixMs)
    {
        var elapsed = now - sampleStart;
        var seconds = (double)elapsed / Stopwatch.Frequency;
        var commits = sampleCommit < 0 ? 0 : Math.Max(0, commitIndex - sampleCommit) / seconds;
        Telemetry.Add(new RateSample(unixMs, commits, Appends.TakeP99Ms(), fsyncs.TakeP99Ms(), Math.Min(1, (double)sampleBusy / elapsed)));
        sampleStart = now;
        sampleBusy = 0;
        sampleCommit = commitIndex;
    }
}

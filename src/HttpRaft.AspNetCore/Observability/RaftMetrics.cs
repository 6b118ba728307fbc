using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using HttpRaft.Consensus;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore.Observability;

/// <summary>
/// The node's instruments, all on one <see cref="Meter"/> named <c>HttpRaft</c> (docs/operations.md lists them with
/// their Prometheus names). What changes per request or per message is read when scraped from what the loop already
/// publishes (observable instruments); counts are plain fields added to atomically and observed when scraped (so they
/// are exported from 0, before anything happens); the two histograms record per fsync and per heartbeat, with tags
/// built once per peer. Nothing here allocates or locks on the hot path.
/// </summary>
public sealed class RaftMetrics
{
    /// <summary>The meter's name, to subscribe to (<c>AddMeter</c>).</summary>
    public const string MeterName = "HttpRaft";

    // etcd's WAL fsync buckets (1 ms × 2^n up to 8 s), with three below them for disks that sync in microseconds.
    private static readonly double[] FsyncBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192];

    // etcd's peer round-trip buckets (0.1 ms × 2^n up to about 0.8 s).
    private static readonly double[] RoundTripBuckets = [0.0001, 0.0002, 0.0004, 0.0008, 0.0016, 0.0032, 0.0064, 0.0128, 0.0256, 0.0512, 0.1024, 0.2048, 0.4096, 0.8192];

    private readonly int self;
    private readonly Histogram<double> fsyncDuration;
    private readonly Histogram<double> roundTrip;
    // Per peer, created on first use: members come and go, and their ids are never reused.
    private readonly ConcurrentDictionary<int, PeerCounters> peers = new();
    private long leaderChanges;
    private long proposalsFailed;
    private long snapshotsSent;
    private long snapshotsReceived;

    public RaftMetrics(IMeterFactory meters, IOptions<RaftHostOptions> options, NodeTelemetry telemetry)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(telemetry);
        var meter = meters.Create(MeterName);
        // The loop's snapshot, not its per-batch view: scrapes are seconds apart, and the snapshot is republished at
        // once on a change of role or leader.
        Func<NodeSnapshot> now = () => telemetry.Current;
        self = options.Value.Id;

        meter.CreateObservableGauge("httpraft.server.has_leader", () => now().LeaderId != RaftNode.None ? 1 : 0, description: "1 if this node knows a leader, else 0.");
        meter.CreateObservableGauge("httpraft.server.is_leader", () => now().Role == Role.Leader ? 1 : 0, description: "1 if this node is the leader, else 0.");
        meter.CreateObservableGauge("httpraft.server.term", () => now().Term, description: "The current term.");
        meter.CreateObservableCounter("httpraft.server.leader_changes_seen", () => Interlocked.Read(ref leaderChanges), description: "Times this node saw the leader change (to a known leader other than the last one).");
        meter.CreateObservableCounter("httpraft.server.proposals_committed", () => now().CommitIndex, description: "Entries committed, as this node knows (its commit index).");
        meter.CreateObservableCounter("httpraft.server.proposals_applied", () => now().AppliedIndex, description: "Entries applied (its applied index); committed minus applied growing means the node falls behind.");
        meter.CreateObservableGauge("httpraft.server.proposals_pending", () => now().PendingProposals, description: "Client proposals appended by this leader and not yet committed.");
        meter.CreateObservableCounter("httpraft.server.proposals_failed", () => Interlocked.Read(ref proposalsFailed), description: "Client proposals that failed: refused (not the leader, overloaded) or lost with the leadership.");

        meter.CreateObservableGauge("httpraft.log.first_index", () => now().FirstIndex, description: "The first index the log holds.");
        meter.CreateObservableGauge("httpraft.log.last_index", () => now().LastIndex, description: "The last index the log holds.");
        meter.CreateObservableGauge("httpraft.log.commit_index", () => now().CommitIndex, description: "The commit index.");
        meter.CreateObservableGauge("httpraft.log.applied_index", () => now().AppliedIndex, description: "The applied index.");

        fsyncDuration = meter.CreateHistogram<double>("httpraft.disk.wal_fsync_duration", "s", "Duration of the write-ahead log's fsyncs.", advice: new() { HistogramBucketBoundaries = FsyncBuckets });
        meter.CreateObservableGauge("httpraft.disk.wal_bytes", () => now().WalBytes, "By", "Bytes the write-ahead log's segment files hold.");
        meter.CreateObservableGauge("httpraft.disk.wal_segments", () => now().WalSegments, description: "Segment files of the write-ahead log.");

        roundTrip = meter.CreateHistogram<double>("httpraft.network.peer_round_trip_time", "s", "Heartbeat round trips from the leader's node loop to each follower's and back.", advice: new() { HistogramBucketBoundaries = RoundTripBuckets });
        meter.CreateObservableGauge("httpraft.network.peer_match_index", () => PerFollower(telemetry, f => f.MatchIndex), description: "On the leader: the highest index known replicated on each follower.");
        meter.CreateObservableGauge("httpraft.network.peer_lag_entries", () => PerFollower(telemetry, f => f.LagEntries), description: "On the leader: entries each follower is behind the leader's last index.");
        meter.CreateObservableGauge("httpraft.network.peer_lag", () => PerFollower(telemetry, f => f.LagMs / 1000), "s", "On the leader: age of the oldest entry each follower is not known to hold.");
        meter.CreateObservableCounter("httpraft.network.peer_sent", () => PerPeer(c => Interlocked.Read(ref c.SentBytes)), "By", "Bytes written to each peer's stream.");
        meter.CreateObservableCounter("httpraft.network.peer_sent_failures", () => PerPeer(c => Interlocked.Read(ref c.Failures)), description: "Peer streams that failed: a connection refused or reset, a write that timed out, a stream the peer ended. A dead peer counts one per reconnection attempt (every 50 ms).");
        meter.CreateObservableCounter("httpraft.network.peer_dropped_messages", () => PerPeer(c => Interlocked.Read(ref c.Dropped)), description: "Messages to a peer dropped: its queue was full, the stream carrying them failed, or they could not be encoded.");

        meter.CreateObservableCounter("httpraft.snapshot.sent", () => Interlocked.Read(ref snapshotsSent), description: "Snapshots sent to followers behind the first index, counted at their first piece.");
        meter.CreateObservableCounter("httpraft.snapshot.received", () => Interlocked.Read(ref snapshotsReceived), description: "Snapshots installed from a leader.");

        meter.CreateObservableGauge("httpraft.loop.saturation", () => telemetry.Saturation, "1", "Share of the last second the node loop was busy, as hashicorp/raft's raft.thread.main.saturation.");
        meter.CreateObservableCounter("httpraft.loop.busy_time", () => (double)telemetry.LoopBusyTicks / Stopwatch.Frequency, "s", "Time the node loop spent busy; its rate is the loop's saturation over any window.");
    }

    internal void LeaderChanged() => Interlocked.Increment(ref leaderChanges);

    internal void ProposalsFailed(int count) => Interlocked.Add(ref proposalsFailed, count);

    /// <summary>Records one fsync; storage calls it on the saving thread.</summary>
    internal void Fsynced(double seconds) => fsyncDuration.Record(seconds);

    internal void RoundTrip(int peer, double seconds) => roundTrip.Record(seconds, Peer(peer).Tag);

    internal void PeerSent(int peer, long bytes) => Interlocked.Add(ref Peer(peer).SentBytes, bytes);

    internal void PeerStreamFailed(int peer) => Interlocked.Increment(ref Peer(peer).Failures);

    internal void PeerDropped(int peer, long messages) => Interlocked.Add(ref Peer(peer).Dropped, messages);

    private PeerCounters Peer(int id) => peers.GetOrAdd(id, static id => new PeerCounters(id));

    /// <summary>For the snapshot transfer, (docs/design.md §8).</summary>
    public void SnapshotSent() => Interlocked.Increment(ref snapshotsSent);

    /// <summary>For the snapshot transfer, (docs/design.md §8).</summary>
    public void SnapshotReceived() => Interlocked.Increment(ref snapshotsReceived);

    private IEnumerable<Measurement<long>> PerPeer(Func<PeerCounters, long> count)
    {
        foreach (var counters in peers.Values)
        {
            if (counters.Id != self) yield return new Measurement<long>(count(counters), counters.Tag);
        }
    }

    /// <summary>One peer's counts and its <c>To</c> tag, built once.</summary>
    private sealed class PeerCounters(int id)
    {
        public long SentBytes;
        public long Failures;
        public long Dropped;

        public int Id { get; } = id;

        public KeyValuePair<string, object?> Tag { get; } = new("To", id.ToString(CultureInfo.InvariantCulture));
    }

    private static IEnumerable<Measurement<T>> PerFollower<T>(NodeTelemetry telemetry, Func<FollowerSnapshot, T> value)
        where T : struct
    {
        var snapshot = telemetry.Current;
        if (snapshot.Role != Role.Leader) yield break;
        foreach (var follower in snapshot.Followers)
        {
            yield return new Measurement<T>(value(follower), new KeyValuePair<string, object?>("To", follower.Id.ToString(CultureInfo.InvariantCulture)));
        }
    }
}

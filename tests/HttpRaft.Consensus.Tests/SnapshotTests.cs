using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>
/// Log compaction (Raft §7, dissertation §5): a leader whose log no longer holds the entries a follower needs sends its
/// snapshot instead, in pieces; a follower installs it by Figure 13's rules; and nodes restart from a compacted log.
/// </summary>
public sealed class SnapshotTests
{
    private static readonly ClusterOptions SmallMessages = ClusterOptions.Default with { MaxBytesPerMessage = 256 };

    [Fact]
    public void A_follower_whose_next_entries_were_compacted_away_receives_the_snapshot_then_the_entries_after_it()
    {
        var (cluster, leader) = ClusterWithLaggingFollower(2, entries: 20);
        var snapshot = leader.Compact(leader.Raft.CommitIndex - 5, HostData("table"));
        leader.Raft.Propose(Logs.Payload("after the cut"));

        cluster.Recover();
        cluster.Run(3 * cluster.Options.HeartbeatTicks);

        var follower = cluster[2];
        Assert.Equal(snapshot.Index, Assert.Single(follower.InstalledSnapshots).Index);
        Assert.Equal("table", System.Text.Encoding.UTF8.GetString(follower.InstalledSnapshots[0].HostData.Span));
        Assert.Equal(snapshot.Index + 1, follower.Storage.FirstIndex);
        Assert.Equal(leader.PersistedLog.Where(e => e.Index > snapshot.Index).Shape(), follower.PersistedLog.Shape());
        Assert.Equal(leader.Raft.CommitIndex, follower.Raft.CommitIndex);
        Assert.Equal(leader.Raft.CommitIndex, follower.AppliedIndex);
    }

    [Fact]
    public void A_snapshot_larger_than_a_message_goes_in_pieces_each_sent_after_the_last_is_acknowledged()
    {
        // Stop-and-wait keeps a large snapshot from queueing ahead of heartbeats and the other followers' entries.
        var (cluster, leader) = ClusterWithLaggingFollower(2, entries: 20, SmallMessages);
        var snapshot = leader.Compact(leader.Raft.CommitIndex, new byte[5_000]);
        cluster.Recover();

        var piecesInFlight = new List<int>();
        cluster.RunUntil(() =>
        {
            piecesInFlight.Add(cluster.InFlight.Count(m => m is SnapshotChunk));
            return cluster[2].InstalledSnapshots.Count > 0;
        });
        cluster.Stabilize();

        var pieces = cluster.Delivered.OfType<SnapshotChunk>().ToList();
        Assert.True(pieces.Count >= snapshot.Data.Length / 256, $"{pieces.Count} pieces for {snapshot.Data.Length} bytes");
        Assert.All(pieces, p => Assert.True(p.Data.Length <= 256));
        Assert.All(piecesInFlight, n => Assert.True(n <= 1));
        Assert.True(snapshot.SameAs(Assert.Single(cluster[2].InstalledSnapshots)));
    }

    [Fact]
    public void A_follower_that_holds_the_snapshots_last_entry_keeps_the_entries_after_it()
    {
        // Figure 13, rule 7 (hashicorp/raft#697 was a livelock here): only the prefix is covered; the rest of the log stays.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var follower = cluster[2];
        for (var i = 0; i < 10; i++) leader.Raft.Propose(Logs.Payload($"e{i}"));
        cluster.HandleReady(leader.Id);
        cluster.DeliverWhere(m => m.To == follower.Id); // The follower holds the entries but will not learn they committed.
        cluster.Drop(m => m.From == follower.Id || m.To == follower.Id);
        cluster.Ignore(m => m.From == follower.Id || m.To == follower.Id);
        var followerLast = follower.Raft.LastIndex;
        cluster.Stabilize();
        var snapshot = leader.Compact(leader.Raft.CommitIndex - 3);
        cluster.Recover();

        cluster.Deliver(Chunk(leader.Id, follower.Id, leader.Term, snapshot));

        Assert.Empty(follower.InstalledSnapshots);
        Assert.Equal(followerLast, follower.Raft.LastIndex);
        Assert.Equal(snapshot.Index, follower.Raft.CommitIndex);
        Assert.Equal(1, follower.Storage.FirstIndex);
    }

    [Fact]
    public void A_follower_whose_entry_at_the_snapshots_index_conflicts_replaces_its_whole_log()
    {
        // Figure 13, rule 8: a conflicting entry means nothing in this log is known to be good.
        var disks = new[]
        {
            Logs.Disk(term: 3, [1, 1, 3, 3, 3], commit: 5),
            Logs.Disk(term: 3, [1, 1, 3, 3, 3], commit: 5),
            Logs.Disk(term: 2, [1, 1, 2, 2, 2, 2, 2], commit: 2),
        };
        var cluster = Cluster.FromDisks(ClusterOptions.Paper, disks);
        cluster.Isolate(2);
        var leader = cluster.Elect(0);
        cluster.Stabilize();
        var snapshot = leader.Compact(leader.Raft.CommitIndex);

        cluster.Recover();
        cluster.Run(3 * cluster.Options.HeartbeatTicks);

        var follower = cluster[2];
        Assert.Equal(snapshot.Index, Assert.Single(follower.InstalledSnapshots).Index);
        Assert.DoesNotContain(follower.PersistedLog, e => e.Term == 2);
        Assert.Equal(leader.Raft.LastIndex, follower.Raft.LastIndex);
        Assert.Equal(leader.Raft.CommitIndex, follower.Raft.CommitIndex);
    }

    [Fact]
    public void A_snapshot_this_node_has_already_committed_changes_nothing()
    {
        var (cluster, leader) = ClusterWithEntries(5);
        var snapshot = leader.Compact(leader.Raft.CommitIndex - 2);
        var follower = cluster[1];
        var before = follower.PersistedLog.Shape();

        cluster.Deliver(Chunk(leader.Id, follower.Id, leader.Term, snapshot));
        cluster.Stabilize();

        Assert.Empty(follower.InstalledSnapshots);
        Assert.Equal(before, follower.PersistedLog.Shape());
    }

    [Fact]
    public void A_lost_piece_is_sent_again_at_the_next_heartbeat()
    {
        var (cluster, leader) = ClusterWithLaggingFollower(2, entries: 20, SmallMessages);
        leader.Compact(leader.Raft.CommitIndex, new byte[1_000]);
        cluster.Recover();
        var lost = false;
        cluster.Ignore(m => m is SnapshotChunk { Offset: 256 } && !lost && (lost = true));

        cluster.RunUntil(() => cluster[2].InstalledSnapshots.Count > 0, maxTicks: 10 * cluster.Options.ElectionTicks);

        Assert.True(lost);
        Assert.Contains(cluster.Delivered, m => m is SnapshotChunk { Offset: 256 });
        Assert.Equal(leader.Raft.CommitIndex, cluster[2].Raft.CommitIndex);
    }

    [Fact]
    public void A_whole_snapshot_whose_acknowledgement_was_lost_is_sent_again_and_answered_with_the_commit_index()
    {
        var (cluster, leader) = ClusterWithLaggingFollower(2, entries: 20);
        leader.Compact(leader.Raft.CommitIndex);
        cluster.Recover();
        cluster.Ignore(m => m is AppendResponse { From: 2, Success: true });
        cluster.RunUntil(() => cluster[2].InstalledSnapshots.Count > 0);
        cluster.Recover();

        cluster.RunUntil(() => leader.Status.Followers[2].MatchIndex == leader.Raft.LastIndex, maxTicks: 10 * cluster.Options.ElectionTicks);

        Assert.Single(cluster[2].InstalledSnapshots);
    }

    [Fact]
    public void A_damaged_snapshot_is_not_installed_and_the_leader_starts_over()
    {
        var (cluster, leader) = ClusterWithLaggingFollower(2, entries: 20);
        var snapshot = leader.Compact(leader.Raft.CommitIndex);
        var damaged = snapshot.Data.ToArray();
        damaged[0] = 0xFF; // The configuration's length no longer fits the data.
        var follower = cluster[2];
        cluster.Recover();

        cluster.Deliver(Chunk(leader.Id, follower.Id, leader.Term, snapshot with { Data = damaged }));

        Assert.Empty(follower.InstalledSnapshots);
        Assert.Equal(0, Assert.Single(cluster.InFlight.OfType<SnapshotChunkResponse>()).Received);
        cluster.RunUntil(() => follower.InstalledSnapshots.Count > 0);
        Assert.True(snapshot.SameAs(follower.InstalledSnapshots[0]));
    }

    [Fact]
    public void A_leader_that_compacts_again_during_a_transfer_sends_the_newer_snapshot_and_the_entries_proposed_meanwhile()
    {
        var (cluster, leader) = ClusterWithLaggingFollower(2, entries: 20, SmallMessages);
        leader.Compact(leader.Raft.CommitIndex - 10, new byte[2_000]);
        cluster.Recover();
        StartTransfer(cluster, leader);
        cluster.DeliverWhere(m => m is SnapshotChunk);
        cluster.DeliverWhere(m => m is SnapshotChunkResponse);

        for (var i = 0; i < 5; i++) leader.Raft.Propose(Logs.Payload($"during {i}"));
        cluster.HandleReady(leader.Id);
        var newer = leader.Compact(leader.Raft.CommitIndex - 2, new byte[1_000]);
        cluster.RunUntil(() => cluster[2].Raft.CommitIndex == leader.Raft.CommitIndex && cluster[2].Raft.LastIndex == leader.Raft.LastIndex);

        var follower = cluster[2];
        Assert.Equal(newer.Index, follower.InstalledSnapshots[^1].Index);
        Assert.Equal(leader.PersistedLog.Where(e => e.Index > newer.Index).Shape(), follower.PersistedLog.Where(e => e.Index > newer.Index).Shape());
        Assert.Contains("during 4", follower.PersistedLog.Select(e => e.Text()));
    }

    [Fact]
    public void A_follower_restarted_during_a_transfer_gets_the_snapshot_from_its_start()
    {
        var (cluster, leader) = ClusterWithLaggingFollower(2, entries: 20, SmallMessages);
        var snapshot = leader.Compact(leader.Raft.CommitIndex, new byte[2_000]);
        cluster.Recover();
        StartTransfer(cluster, leader);
        for (var i = 0; i < 3; i++)
        {
            cluster.DeliverWhere(m => m is SnapshotChunk);
            cluster.DeliverWhere(m => m is SnapshotChunkResponse);
        }
        cluster.Restart(2);
        cluster.Drop(m => m.To == 2 || m.From == 2);

        cluster.RunUntil(() => cluster[2].InstalledSnapshots.Count > 0, maxTicks: 10 * cluster.Options.ElectionTicks);

        Assert.True(snapshot.SameAs(cluster[2].InstalledSnapshots[0]));
    }

    [Fact]
    public void A_node_restarts_from_its_snapshot_with_the_snapshots_membership_and_can_lead()
    {
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        leader.Raft.ProposeChange(new MembershipChange.AddLearner("node-3", PromoteWhenCaughtUp: false));
        cluster.Stabilize();
        for (var i = 0; i < 5; i++) leader.Raft.Propose(Logs.Payload($"e{i}"));
        cluster.Stabilize();
        var node = cluster[1];
        var snapshot = node.Compact(node.Raft.CommitIndex);

        cluster.Restart(1);

        Assert.Equal(snapshot.Index + 1, node.Raft.FirstIndex);
        Assert.Equal(snapshot.Index, node.Raft.CommitIndex);
        Assert.NotNull(node.Raft.Configuration.Find(3));
        cluster.Isolate(0);
        cluster.RunUntil(() => cluster.Leader is { Id: not 0 });
        Assert.Equal(Role.Leader, cluster.Leader!.Role);
    }

    [Fact]
    public void A_member_added_after_a_cut_catches_up_from_the_snapshot_and_learns_the_membership_from_it()
    {
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        for (var i = 0; i < 10; i++) leader.Raft.Propose(Logs.Payload($"e{i}"));
        cluster.Stabilize();
        var snapshot = leader.Compact(leader.Raft.CommitIndex);
        var joiner = cluster.AddNode();

        leader.Raft.ProposeChange(new MembershipChange.AddLearner("node-3", PromoteWhenCaughtUp: true));
        cluster.RunUntil(() => leader.Raft.Configuration.IsVoter(3));
        cluster.Stabilize();

        Assert.Equal(snapshot.Index, joiner.InstalledSnapshots[0].Index);
        Assert.Equal([0, 1, 2, 3], joiner.Raft.Configuration.Voters);
        Assert.Equal(leader.Raft.LastIndex, joiner.Raft.LastIndex);
    }

    [Fact]
    public void A_truncation_is_an_entry_every_node_applies_with_the_first_index_it_names()
    {
        var (cluster, leader) = ClusterWithEntries(5);

        var result = leader.Raft.ProposeTruncation(4);
        cluster.Stabilize();

        Assert.True(result.Accepted);
        Assert.All(cluster.Nodes, n =>
        {
            var applied = Assert.Single(n.Applied, e => e.Kind == EntryKind.TruncatePrefix);
            Assert.Equal(4, applied.TruncationFirstIndex);
            Assert.Equal(result.FirstIndex, applied.Index);
        });
    }

    [Fact]
    public void A_snapshot_older_than_what_this_node_compacted_is_answered_once_with_its_commit_index()
    {
        // The node no longer holds the entry at the snapshot's index, so it cannot match it; its committed log stands.
        var (cluster, leader) = ClusterWithEntries(5);
        var old = leader.Compact(leader.Raft.CommitIndex - 3);
        var follower = cluster[1];
        follower.Compact(follower.Raft.CommitIndex);
        var before = (follower.Raft.FirstIndex, follower.Raft.LastIndex, follower.Raft.CommitIndex);

        cluster.Deliver(Chunk(leader.Id, follower.Id, leader.Term, old));

        var answer = Assert.Single(cluster.InFlight.OfType<AppendResponse>());
        Assert.Equal((true, before.CommitIndex), (answer.Success, answer.Index));
        Assert.Empty(follower.InstalledSnapshots);
        Assert.Equal(before, (follower.Raft.FirstIndex, follower.Raft.LastIndex, follower.Raft.CommitIndex));
    }

    [Fact]
    public void A_follower_acknowledges_the_snapshot_it_installed_up_to_its_index()
    {
        // The acknowledgement moves the leader on to the entries after the snapshot without waiting for a heartbeat.
        var (cluster, leader) = ClusterWithLaggingFollower(2, entries: 20);
        var snapshot = leader.Compact(leader.Raft.CommitIndex);
        cluster.Recover();
        StartTransfer(cluster, leader);

        cluster.DeliverWhere(m => m is SnapshotChunk);

        Assert.Equal(snapshot.Index, Assert.Single(cluster[2].InstalledSnapshots).Index);
        var answer = Assert.Single(cluster.InFlight.OfType<AppendResponse>(), m => m.From == 2);
        Assert.Equal((true, snapshot.Index), (answer.Success, answer.Index));
    }

    /// <summary>A cluster of three with node 0 leading and <paramref name="entries"/> entries committed on every node.</summary>
    private static (Cluster Cluster, TestNode Leader) ClusterWithEntries(int entries)
    {
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        for (var i = 0; i < entries; i++) leader.Raft.Propose(Logs.Payload($"e{i}"));
        cluster.Stabilize();
        return (cluster, leader);
    }

    /// <summary>A cluster of three with node 0 leading, <paramref name="lagging"/> cut off, and <paramref name="entries"/> committed without it.</summary>
    [Fact]
    public void Each_piece_of_a_snapshot_goes_out_as_soon_as_the_last_is_acknowledged_without_waiting_for_a_heartbeat()
    {
        // Only a lost piece waits for a heartbeat; the first goes out when the follower's rejection shows it needs one.
        var (cluster, leader) = ClusterWithLaggingFollower(2, entries: 20, SmallMessages);
        var snapshot = leader.Compact(leader.Raft.CommitIndex, new byte[1_000]);
        cluster.Recover();

        cluster.Tick(leader.Id, cluster.Options.HeartbeatTicks);
        cluster.Stabilize();

        Assert.True(snapshot.SameAs(Assert.Single(cluster[2].InstalledSnapshots)));
    }

    [Fact]
    public void A_duplicated_acknowledgement_of_a_piece_does_not_send_the_next_piece_twice()
    {
        var (cluster, firstAck) = TransferWithFirstPieceAcknowledged();

        cluster.DeliverWhere(m => m is SnapshotChunkResponse);
        cluster.Deliver(firstAck);

        Assert.Equal([firstAck.Received], cluster.InFlight.OfType<SnapshotChunk>().Select(c => c.Offset));
    }

    [Fact]
    public void An_acknowledgement_of_a_piece_that_arrives_after_the_snapshot_was_installed_sends_nothing()
    {
        var (cluster, firstAck) = TransferWithFirstPieceAcknowledged();
        cluster.Stabilize();
        Assert.Single(cluster[2].InstalledSnapshots);

        cluster.Deliver(firstAck);

        Assert.Empty(cluster.InFlight);
    }

    [Fact]
    public void A_follower_that_only_answers_snapshot_pieces_counts_as_active_for_check_quorum()
    {
        // Dissertation §6.2: any answer shows the follower is there; a long transfer must not make it look gone.
        var (cluster, leader) = TransferUnderWay(hostBytes: 1_000);
        var piece = cluster.Take(m => m is SnapshotChunk);
        for (var tick = 0; tick < cluster.Options.ElectionTicks; tick++)
        {
            cluster.Tick(leader.Id);
            cluster.Drop(m => m.To == 2);
            cluster.Stabilize();
        }
        Assert.False(leader.Status.Followers[2].RecentActive);

        foreach (var message in piece) cluster.Deliver(message);
        cluster.DeliverWhere(m => m is SnapshotChunkResponse);

        Assert.True(leader.Status.Followers[2].RecentActive);
    }

    [Fact]
    public void A_follower_that_receives_only_snapshot_pieces_for_longer_than_an_election_timeout_does_not_campaign()
    {
        // §5.2: a follower stays a follower while it receives valid messages from the leader, and a snapshot piece is
        // one. Every heartbeat to node 2 is lost here, so the pieces of a long transfer are all it hears.
        var (cluster, leader) = TransferUnderWay(hostBytes: 10_000);
        cluster.Ignore(m => m is Heartbeat { To: 2 });
        var follower = cluster[2];
        var term = follower.Term;
        var heard = cluster.Delivered.Count;

        var ticks = 0;
        for (; follower.InstalledSnapshots.Count == 0; ticks++)
        {
            Assert.True(ticks < 100 * cluster.Options.ElectionTicks, "the snapshot was never installed");
            Assert.Equal(Role.Follower, follower.Role);
            cluster.Tick(leader.Id);
            cluster.Tick(follower.Id);
            cluster.DeliverWhere(_ => true);
        }

        Assert.True(ticks > 2 * cluster.Options.ElectionTicks, $"the transfer took only {ticks} ticks"); // Past any randomized timeout.
        Assert.All(cluster.Delivered.Skip(heard).Where(m => m.To == follower.Id), m => Assert.IsType<SnapshotChunk>(m));
        Assert.DoesNotContain(cluster.Delivered, m => m is VoteRequest { From: 2 });
        Assert.Equal((Role.Follower, term), (follower.Role, follower.Term));
    }

    /// <summary>
    /// Node 2 lags behind a leader that compacted its log into a snapshot of several pieces: sends node 2 the first
    /// piece and returns node 2's acknowledgement of it, still in flight.
    /// </summary>
    private static (Cluster Cluster, SnapshotChunkResponse FirstAck) TransferWithFirstPieceAcknowledged()
    {
        var (cluster, _) = TransferUnderWay(hostBytes: 1_000);
        cluster.DeliverWhere(m => m is SnapshotChunk);
        return (cluster, Assert.Single(cluster.InFlight.OfType<SnapshotChunkResponse>()));
    }

    /// <summary>
    /// Node 2 lags behind a leader that compacted its log up to the commit index into a snapshot holding
    /// <paramref name="hostBytes"/> of host data, sent in 256-byte pieces: the first piece is in flight, undelivered.
    /// </summary>
    private static (Cluster Cluster, TestNode Leader) TransferUnderWay(int hostBytes)
    {
        var (cluster, leader) = ClusterWithLaggingFollower(2, entries: 20, SmallMessages);
        leader.Compact(leader.Raft.CommitIndex, new byte[hostBytes]);
        cluster.Recover();
        StartTransfer(cluster, leader);
        return (cluster, leader);
    }

    private static (Cluster Cluster, TestNode Leader) ClusterWithLaggingFollower(int lagging, int entries, ClusterOptions? options = null)
    {
        var cluster = Cluster.Create(3, options);
        var leader = cluster.Elect(0);
        cluster.Isolate(lagging);
        for (var i = 0; i < entries; i++) leader.Raft.Propose(Logs.Payload($"entry {i}"));
        cluster.Stabilize();
        return (cluster, leader);
    }

    /// <summary>Runs the leader's heartbeat round until its first snapshot piece is in flight, undelivered.</summary>
    private static void StartTransfer(Cluster cluster, TestNode leader)
    {
        for (var ticks = 0; !cluster.InFlight.Any(m => m is SnapshotChunk); ticks++)
        {
            Assert.True(ticks < 10 * cluster.Options.ElectionTicks, "no snapshot piece was sent");
            cluster.Tick(leader.Id);
            while (cluster.DeliverWhere(m => m is not SnapshotChunk) > 0)
            {
            }
        }
    }

    private static byte[] HostData(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    private static SnapshotChunk Chunk(int from, int to, long term, Snapshot snapshot) =>
        new(from, to, term, snapshot.Index, snapshot.Term, 0, snapshot.Data.Length, snapshot.Data);
}

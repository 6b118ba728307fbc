using HttpRaft.AspNetCore;
using HttpRaft.AspNetCore.Node;
using HttpRaft.AspNetCore.Peers;
using HttpRaft.Consensus;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HttpRaft.Tests.Node;

/// <summary>A restarted node resumes from its persisted commit index instead of applying its whole log again.</summary>
public sealed class RestartApplyTests
{
    private static readonly IOptions<RaftHostOptions> Options3 = Options.Create(new RaftHostOptions
    {
        NodeId = 0,
        IdempotencyWindow = 2,
        Peers = ["peer0:8000", "peer1:8001", "peer2:8002"],
        Apis = ["api0:9000", "api1:9001", "api2:9002"],
    });

    [Fact]
    public async Task A_restarted_loop_resumes_after_its_persisted_commit_reading_back_only_the_idempotency_window()
    {
        var disk = CommittedFive();
        var inbox = new NodeInbox(Options3);
        var views = new NodeViewHolder(Options3, disk);
        using var loop = new NodeLoop(inbox, disk, new NoTransport(), views, new PeerStreamLifetime(), Options3, new FakeTimeProvider(), NullLogger<NodeLoop>.Instance);
        await loop.StartAsync(CancellationToken.None);
        try
        {
            // Answered on the loop, so the core has started by then.
            var status = await new LocalRaftLog(inbox, views, disk, Options3, TimeProvider.System).GetStatusAsync();

            Assert.Equal(5, status.AppliedIndex);
            // Only the last IdempotencyWindow (2) entries are read back, to rebuild the keys; nothing is applied again.
            Assert.Equal(4, disk.LowestIndexRead);
        }
        finally
        {
            await loop.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void A_restarted_nodes_committed_entries_are_readable_before_its_loop_runs()
    {
        var disk = CommittedFive();
        var log = new LocalRaftLog(new NodeInbox(Options3), new NodeViewHolder(Options3, disk), disk, Options3, TimeProvider.System);

        Assert.Equal(5, log.ReadCommitted(1, 10).Entries.Count);
    }

    /// <summary>What a node that had committed entries 1–5 finds on restart.</summary>
    private static CountingStorage CommittedFive()
    {
        var disk = new CountingStorage();
        disk.Save(new HardState(1, RaftNode.None, 5), [.. Enumerable.Range(1, 5).Select(i => Entry.Normal(i, 1, new byte[] { (byte)i }))], sync: true);
        return disk;
    }

    /// <summary>Records the lowest index read.</summary>
    private sealed class CountingStorage : DelegatingStorage
    {
        public long LowestIndexRead { get; private set; } = long.MaxValue;

        public override IReadOnlyList<Entry> Entries(long low, long high, long maxBytes)
        {
            LowestIndexRead = Math.Min(LowestIndexRead, low);
            return base.Entries(low, high, maxBytes);
        }
    }
}

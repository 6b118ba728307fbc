using HttpRaft.AspNetCore;
using HttpRaft.AspNetCore.Node;
using HttpRaft.AspNetCore.Peers;
using HttpRaft.Consensus;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HttpRaft.Tests.Node;

/// <summary>A node loop that fails makes the process exit with a failure code, not 0.</summary>
public sealed class LoopFailureTests
{
    [Fact]
    public async Task A_failed_loop_sets_a_failing_exit_code()
    {
        var options = Options.Create(new RaftHostOptions { NodeId = 0, Peers = ["peer0:8000"], Apis = ["api0:9000"] });
        var storage = new FailingStorage();
        using var loop = new NodeLoop(new NodeInbox(options), storage, new NoTransport(), new NodeViewHolder(options, storage), new PeerStreamLifetime(), options, new FakeTimeProvider(), NullLogger<NodeLoop>.Instance);
        try
        {
            await loop.StartAsync(CancellationToken.None);
            await Cluster.Eventually.HoldsAsync(() => loop.ExecuteTask is { IsCompleted: true }, "the loop to fail");

            Assert.Equal(1, Environment.ExitCode);
        }
        finally
        {
            Environment.ExitCode = 0;
        }
    }

    /// <summary>Storage whose disk has gone: every save fails (a single node saves its first vote at once).</summary>
    private sealed class FailingStorage : DelegatingStorage
    {
        public override void Save(HardState? hardState, IReadOnlyList<Entry> entries, bool sync) => throw new IOException("disk gone");
    }
}

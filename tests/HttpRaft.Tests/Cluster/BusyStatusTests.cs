using System.Net;
using HttpRaft.AspNetCore;
using HttpRaft.Consensus;
using HttpRaft.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HttpRaft.Tests.Cluster;

/// <summary>A node too busy to report its status says so with a 503 the client can retry, not a 500.</summary>
public sealed class BusyStatusTests
{
    [Fact]
    public async Task Status_answers_503_with_retry_after_when_the_loop_does_not_answer()
    {
        await using var node = new BusyNode();
        using var client = node.CreateClient();

        using var response = await client.GetAsync(new Uri("/status", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    /// <summary>A single node (in-memory test server) whose log never gets an answer from its loop.</summary>
    private sealed class BusyNode : WebApplicationFactory<Program>
    {
        private readonly ClusterLayout layout = ClusterLayout.Create(1);

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in layout.SettingsFor(0)) builder.UseSetting(key, value);
            builder.ConfigureTestServices(services => services
                .RemoveAll<IRaftStorage>().AddSingleton<IRaftStorage>(new InMemoryRaftStorage())
                .RemoveAll<IRaftLog>().AddSingleton<IRaftLog, SlowLog>());
        }
    }

    private sealed class SlowLog : IRaftLog
    {
        public int NodeId => 0;

        public NodeView View { get; } = new(0, Role.Follower, 0, RaftNode.None, 0, 0, 0) { Membership = new Membership(Configuration.Empty, 0) };

        public string? LeaderApiAddress => null;

        public Task<AppendResult> AppendAsync(IReadOnlyList<ReadOnlyMemory<byte>> entries, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AppendResult> AppendAsync(IReadOnlyList<ReadOnlyMemory<byte>> entries, string? idempotencyKey, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public LogPage ReadCommitted(long fromIndex, int limit) => throw new NotSupportedException();

        public Task<bool> WaitForAppliedAsync(long index, TimeSpan timeout, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Entry? GetCommitted(long index) => throw new NotSupportedException();

        public Task<RaftStatus> GetStatusAsync(CancellationToken cancellationToken = default) => throw new TimeoutException("The loop did not answer.");

        public Task<long?> ReadIndexAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<TransferOutcome> TransferLeadershipAsync(int? targetId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ChangeOutcome> ChangeMembershipAsync(MembershipChange change, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public long FirstIndex => 1;

        public Task<TruncateOutcome> TruncateAsync(long firstIndex, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}

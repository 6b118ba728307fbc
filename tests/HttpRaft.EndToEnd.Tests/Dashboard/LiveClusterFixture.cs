namespace HttpRaft.EndToEnd.Tests.Dashboard;

/// <summary>A three-node cluster of real processes with a leader, shared by the dashboard tests that leave it running.</summary>
public sealed class LiveClusterFixture : IAsyncLifetime
{
    internal LocalCluster Cluster { get; private set; } = null!;

    internal ClusterNode Leader { get; private set; } = null!;

    internal NodeStatus LeaderStatus { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = LocalCluster.Start(3);
        (Leader, LeaderStatus) = await Cluster.WaitForLeaderAsync(Cluster.Nodes, afterTerm: 0, TimeSpan.FromSeconds(30));
        // Some history, so the bars and the sparklines have something to show.
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Cluster.AppendAsync(Leader, $"warm-up {i}", TimeSpan.FromSeconds(30))));
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

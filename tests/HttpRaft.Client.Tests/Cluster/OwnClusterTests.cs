using HttpRaft.Tests.Cluster;

namespace HttpRaft.Client.Tests.Cluster;

/// <summary>
/// The base of test classes whose tests change the cluster (stop nodes, move leadership, change the membership):
/// each test gets a live three-node cluster of its own, started before it and disposed after it.
/// </summary>
public abstract class OwnClusterTests : IAsyncLifetime
{
    private TestCluster? cluster;

    internal TestCluster Cluster => cluster ?? throw new InvalidOperationException("The cluster starts in InitializeAsync.");

    /// <summary>Settings every node gets on top of the layout's defaults (API keys, say); none by default.</summary>
    private protected virtual IReadOnlyDictionary<string, string>? Settings => null;

    public Task InitializeAsync()
    {
        cluster = TestCluster.Start(settings: Settings);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (cluster is not null) await cluster.DisposeAsync();
    }
}

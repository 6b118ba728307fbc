namespace HttpRaft.Tests.Cluster;

/// <summary>One three-node cluster shared by the tests that leave it as they found it (no stops, no restarts).</summary>
public sealed class SharedClusterFixture : IAsyncLifetime
{
    internal TestCluster Cluster { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Cluster = TestCluster.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>The test classes that share <see cref="SharedClusterFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SharedClusterDefinition : ICollectionFixture<SharedClusterFixture>
{
    public const string Name = "shared cluster";
}

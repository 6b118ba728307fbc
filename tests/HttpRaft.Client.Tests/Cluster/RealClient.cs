using HttpRaft.Tests.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace HttpRaft.Client.Tests.Cluster;

/// <summary>A client built as an app builds one (AddHttpRaftClient on IHttpClientFactory), against nodes of an in-process cluster.</summary>
internal static class RealClient
{
    /// <summary>A client that knows <paramref name="ids"/>' API addresses, in that order (all nodes when none are given).</summary>
    public static HttpRaftClient For(TestCluster cluster, ITestOutputHelper output, Action<HttpRaftClientOptions>? configure = null, params int[] ids)
    {
        var services = new ServiceCollection();
        services.AddHttpRaftClient(options =>
        {
            foreach (var id in ids.Length > 0 ? ids : Enumerable.Range(0, cluster.Layout.Size)) options.Endpoints.Add(cluster.Layout.Apis[id]);
            // Short enough that a test sees a failed node quickly, long enough for a commit on two shared cores.
            options.RequestTimeout = TimeSpan.FromSeconds(5);
            options.LongPollWait = TimeSpan.FromSeconds(2);
            configure?.Invoke(options);
        });
        var client = services.BuildServiceProvider().GetRequiredService<HttpRaftClient>();
        output.WriteLine($"client backoff seed {client.RandomSeed}");
        return client;
    }

    /// <summary>The id of the node at <paramref name="api"/>, for messages and assertions.</summary>
    public static int IdOf(TestCluster cluster, Uri? api) =>
        Enumerable.Range(0, cluster.Layout.Size).Single(id => cluster.Api(id, "/") == api);
}

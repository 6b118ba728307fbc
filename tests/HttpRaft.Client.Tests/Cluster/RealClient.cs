using HttpRaft.Tests.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace HttpRaft.Client.Tests.Cluster;

/// <summary>A client built as an app builds one (AddHttpRaftClient on IHttpClientFactory), against nodes of an in-process cluster.</summary>
internal static class RealClient
{
    /// <summary>
    /// A client that knows <paramref name="ids"/>' API addresses, in that order (the bootstrap nodes when none are
    /// given); every answer it gets is recorded in <paramref name="answers"/> when one is given.
    /// </summary>
    public static HttpRaftClient For(TestCluster cluster, ITestOutputHelper output, Action<HttpRaftClientOptions>? configure = null, AnswerLog? answers = null, params int[] ids)
    {
        var services = new ServiceCollection();
        var http = services.AddHttpRaftClient(options =>
        {
            foreach (var id in ids.Length > 0 ? ids : Enumerable.Range(0, cluster.Layout.Size)) options.Endpoints.Add(cluster.Layout.ApiOf(id));
            // Short enough that a test sees a failed node quickly, long enough for a commit on two shared cores.
            options.RequestTimeout = TimeSpan.FromSeconds(5);
            options.LongPollWait = TimeSpan.FromSeconds(2);
            configure?.Invoke(options);
        });
        if (answers is not null) http.AddHttpMessageHandler(answers.CreateHandler);
        var client = services.BuildServiceProvider().GetRequiredService<HttpRaftClient>();
        output.WriteLine($"client backoff seed {client.RandomSeed}");
        return client;
    }
}

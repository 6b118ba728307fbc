using System.Net;
using System.Net.Http.Json;

namespace HttpRaft.Tests.Cluster;

/// <summary>
/// A cluster whose nodes hold data directories written by the release before storage format 2 and membership changes
/// (tests/HttpRaft.Storage.Tests/Fixtures/format1, made by that release): it elects a leader, serves the old entries
/// as clients wrote them, remembers their idempotency keys, writes the membership into the log, and keeps working
/// across a restart of every node.
/// </summary>
public sealed class FormatOneCompatibilityTests
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "format1");

    private static readonly string[] OldEntries = ["a", "b", "c", "batch-1", "batch-2", "batch-3", "keyed one", "keyed two", "after keyed two", "last plain"];

    [Fact]
    public async Task A_cluster_of_old_data_directories_keeps_its_log_and_its_keys_and_goes_on()
    {
        await using var cluster = TestCluster.Start();
        foreach (var id in cluster.RunningIds.ToList()) await cluster.StopNodeAsync(id);
        foreach (var id in Enumerable.Range(0, 3)) CopyFixtureTo(cluster.DataDirectory(id));
        foreach (var id in Enumerable.Range(0, 3)) cluster.StartNode(id);
        var leader = await cluster.WaitForLeaderAsync();

        foreach (var id in cluster.RunningIds)
        {
            await Eventually.HoldsAsync(async () => (await cluster.ReadLogAsync(id)).Select(e => e.Entry).Take(OldEntries.Length).SequenceEqual(OldEntries), $"node {id} to serve the old entries as written");
        }
        using var retry = new HttpRequestMessage(HttpMethod.Post, cluster.Api(leader, "/log")) { Content = JsonContent.Create(new { entry = "keyed one" }) };
        retry.Headers.Add("Idempotency-Key", "fixture-key-1");
        using var replayed = await cluster.Http.SendAsync(retry);
        var index = await cluster.AppendAsync(leader, "written by the new release");
        var membership = (await cluster.Http.GetFromJsonAsync<ClusterJson>(cluster.Api(leader, "/cluster")))!;

        Assert.Equal(HttpStatusCode.Created, replayed.StatusCode);
        Assert.Equal(8, (await replayed.Content.ReadFromJsonAsync<AppendedJson>())!.Index);
        Assert.True(index > 11);
        Assert.True(membership.ConfigIndex > 11, "the first leader writes the bootstrap membership into the old log");

        foreach (var id in Enumerable.Range(0, 3)) await cluster.StopNodeAsync(id);
        foreach (var id in Enumerable.Range(0, 3)) cluster.StartNode(id);
        leader = await cluster.WaitForLeaderAsync();
        Assert.Equal([.. OldEntries, "written by the new release"], (await cluster.ReadLogAsync(leader)).Select(e => e.Entry).Take(OldEntries.Length + 1));
    }

    private static void CopyFixtureTo(string dataDirectory)
    {
        if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
        Directory.CreateDirectory(dataDirectory);
        foreach (var file in Directory.EnumerateFiles(Fixture, "wal-*.seg")) File.Copy(file, Path.Combine(dataDirectory, Path.GetFileName(file)));
    }
}

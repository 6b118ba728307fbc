namespace HttpRaft.EndToEnd.Tests;

/// <summary>The Postman collection in postman/, run by newman against a live three-node cluster.</summary>
public sealed class NewmanTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_postman_collection_passes_against_a_live_cluster()
    {
        var newman = Repository.NpmTool("newman");
        await using var cluster = LocalCluster.Start(3);
        var (leader, _) = await cluster.WaitForLeaderAsync(cluster.Nodes, afterTerm: 0, TimeSpan.FromSeconds(30));
        // Start on a follower, as a user pointing at any node would: the collection must follow the leader.
        var start = cluster.Nodes.First(n => n != leader);
        var postman = Path.Combine(Repository.Root, "postman");
        await using var run = ChildProcess.Start("newman", newman,
            [
                "run", Path.Combine(postman, "HttpRaft.postman_collection.json"),
                "--environment", Path.Combine(postman, "HttpRaft.postman_environment.json"),
                "--env-var", $"leader={start.Api}",
                "--iteration-count", "5",
                "--timeout-request", "15000",
                "--color", "off", "--disable-unicode",
            ],
            postman);
        var exitCode = await run.WaitForExitAsync(TimeSpan.FromSeconds(90));
        if (exitCode == 0)
        {
            // The summary table is enough when everything passed.
            output.WriteLine(string.Join('\n', run.Transcript().Split('\n').TakeLast(25)));
        }
        else
        {
            output.WriteLine(run.Transcript());
            output.WriteLine(cluster.Transcripts());
        }
        Assert.True(exitCode == 0, $"newman exited with {exitCode}; its report is in the test output");
    }
}

namespace HttpRaft.EndToEnd.Tests.Nemesis.Nemeses;

/// <summary>
/// A retention cut, <c>DELETE /log?before=N</c> on the leader with N up to 30 entries below its commit index, so a
/// follower that is behind (cut off, paused, killed by another fault) must catch up from a snapshot. Until the route
/// exists (docs/design.md §8, issue 14) it answers 404 or 405, and the nemesis turns itself off for the run.
/// </summary>
internal sealed class CutNemesis : INemesis
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    /// <summary>False once the cluster showed it has no such route.</summary>
    public bool Supported { get; private set; } = true;

    public async Task<NemesisFault?> StartAsync(NemesisCluster cluster, Random random)
    {
        if (!Supported || await cluster.Http.LeaderAsync(cluster.Running) is not { } leader) return null;
        var before = Math.Max(1, leader.Status.CommitIndex - random.Next(0, 31));
        var answer = await cluster.Http.SendAsync(leader.Node.ApiUri($"/log?before={before}"), uri => new HttpRequestMessage(HttpMethod.Delete, uri), Deadline);
        if (answer.Status is 404 or 405)
        {
            Supported = false;
            return null;
        }
        return new NemesisFault("cut", $"DELETE /log?before={before} on {leader.Node}: {(answer.Answered ? $"{answer.Status} {answer.Body}" : answer.Body)}");
    }

    public Task HealAsync(NemesisCluster cluster) => Task.CompletedTask;
}

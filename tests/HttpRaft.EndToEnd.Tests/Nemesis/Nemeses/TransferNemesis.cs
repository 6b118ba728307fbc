namespace HttpRaft.EndToEnd.Tests.Nemesis.Nemeses;

/// <summary>
/// <c>POST /cluster/leader</c> on the leader: to a random other member (a learner or a node cut off by another fault is
/// refused or times out, which is part of the test), or <c>{}</c> for the most up-to-date voter. Over once answered.
/// </summary>
internal sealed class TransferNemesis : INemesis
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    public IReadOnlyList<string> Kinds { get; } = ["transfer"];

    public async Task<NemesisFault?> StartAsync(NemesisCluster cluster, Random random, string? kind)
    {
        if (await cluster.Http.LeaderAsync(cluster.Running) is not { } leader) return null;
        var others = cluster.Members.Where(n => n != leader.Node).ToList();
        var target = others.Count > 0 && random.Next(3) > 0 ? Pick.One(others, random) : null;
        var answer = await cluster.Http.SendAsync(leader.Node.ApiUri("/cluster/leader"), uri => NodeHttp.JsonRequest(HttpMethod.Post, uri, new { id = target?.Id }), Deadline);
        var to = target?.ToString() ?? "the most up-to-date voter";
        return new NemesisFault("transfer", $"{leader.Node} hands over to {to}: {(answer.Answered ? answer.Status : answer.Body)}");
    }

    public Task HealAsync(NemesisCluster cluster) => Task.CompletedTask;
}

namespace HttpRaft.EndToEnd.Tests.Nemesis.Nemeses;

/// <summary>
/// Membership changes through the routes, between 3 and 5 members: add (a new process started with <c>--join</c>,
/// promoted by the leader once caught up), remove (<c>DELETE /cluster/members/{id}</c> on any member, the leader
/// included; the removed process is stopped once its removal commits), or replace (remove, then add). A change whose
/// answer is lost is found later by <see cref="NemesisCluster"/>'s reconciliation with <c>GET /cluster</c>.
/// </summary>
internal sealed class MembershipNemesis : INemesis
{
    private const int Fewest = 3;
    private const int Most = 5;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    public IReadOnlyList<string> Kinds { get; } = ["member:add", "member:remove", "member:replace"];

    public async Task<NemesisFault?> StartAsync(NemesisCluster cluster, Random random, string? kind)
    {
        cluster.AdoptJoined();
        var members = cluster.Members;
        var joining = cluster.Nodes.Any(n => n.Id < 0 && n.State != NodeState.Gone);
        var running = cluster.Running;
        if (running.Count == 0) return null;
        // What applies: an add below the most members and with no join under way, a remove above the fewest, a replace for both.
        var canAdd = members.Count < Most && !joining;
        var canRemove = members.Count > Fewest;
        var change = kind?["member:".Length..] ?? (canAdd && canRemove ? Pick.One(["add", "remove", "replace"], random) : canAdd ? "add" : canRemove ? "remove" : "");
        if (change switch { "add" => !canAdd, "remove" => !canRemove, "replace" => joining, _ => true }) return null;
        switch (change)
        {
            case "add":
                return new NemesisFault("member:add", Add(cluster, running, random));
            case "remove":
                return new NemesisFault("member:remove", await RemoveAsync(cluster, members, running, random));
            case "replace":
                var removed = await RemoveAsync(cluster, members, running, random);
                return new NemesisFault("member:replace", $"{removed}; {Add(cluster, cluster.Running, random)}");
            default:
                return null;
        }
    }

    public Task HealAsync(NemesisCluster cluster) => Task.CompletedTask;

    private static string Add(NemesisCluster cluster, IReadOnlyList<NemesisNode> running, Random random)
    {
        if (running.Count == 0) return "no member to join through";
        var through = Pick.One(running, random);
        var node = cluster.StartJoining(through);
        return $"a new node joins at {node.Api} through {through}";
    }

    private static async Task<string> RemoveAsync(NemesisCluster cluster, IReadOnlyList<NemesisNode> members, IReadOnlyList<NemesisNode> running, Random random)
    {
        var victim = Pick.One(members, random);
        var via = Pick.One(running, random);
        var answer = await cluster.Http.SendAsync(via.ApiUri($"/cluster/members/{victim.Id}"), uri => new HttpRequestMessage(HttpMethod.Delete, uri), Deadline);
        if (answer.Status == 200) victim.Retire();
        return $"remove {victim} via {via}: {(answer.Answered ? answer.Status : answer.Body)}";
    }
}

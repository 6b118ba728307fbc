using System.Text.Json;

namespace HttpRaft.Client.Tests.Tool;

/// <summary>
/// The built tool's membership and leadership commands, run as a process against stand-ins that serve those routes
/// as the contract says (docs/design.md §7). To be run against a live cluster once the membership routes are on main;
/// <c>leader transfer</c> already is, in <see cref="Cluster.LeadershipTransferTests"/>.
/// </summary>
public sealed class ToolAdminTests : IAsyncLifetime
{
    private FakeAdminServer server = null!;

    public async Task InitializeAsync() => server = await FakeAdminServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Cluster_prints_the_members_with_the_leader_marked()
    {
        var run = await ToolProcess.RunAsync(["cluster", "-e", server.FollowerApi]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("term 7, configuration at index 21, tolerates 1 failed voter(s)", run.Lines[0]);
        Assert.Equal(["ID", "ROLE", "PEER", "API", "LEADER", "MATCH", "LAG", "LAST CONTACT"], Columns(run.Lines[1]));
        Assert.Equal(["0", "voter", "127.0.0.1:8100", server.LeaderApi, "*", "40", "0", "0 ms"], Columns(run.Lines[2]));
        Assert.Equal(["3", "learner", "127.0.0.1:8103", "127.0.0.1:9103", "31", "9", "48 ms"], Columns(run.Lines[4]));
    }

    [Fact]
    public async Task Cluster_as_json_is_the_membership()
    {
        var run = await ToolProcess.RunAsync(["cluster", "-o", "json", "-e", server.LeaderApi]);

        using var cluster = JsonDocument.Parse(run.Output);
        Assert.Equal(0, cluster.RootElement.GetProperty("leader").GetProperty("id").GetInt32());
        Assert.Equal([0, 1, 3], cluster.RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("id").GetInt32()));
    }

    [Fact]
    public async Task Members_add_posts_the_addresses_to_the_leader_through_the_follower()
    {
        var run = await ToolProcess.RunAsync(["members", "add", "--peer", "127.0.0.1:8104", "--api", "127.0.0.1:9104", "--voter", "-e", server.FollowerApi]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["4", "learner", "127.0.0.1:8104", "127.0.0.1:9104"], Columns(run.Lines[1]));
        var (method, path, body) = Assert.Single(server.Received);
        Assert.Equal(("POST", "/cluster/members"), (method, path));
        Assert.Equal("""{"peer":"127.0.0.1:8104","api":"127.0.0.1:9104","role":"voter"}""", body);
    }

    [Fact]
    public async Task Members_promote_prints_the_voter_and_a_refusal_exits_1_with_the_reason()
    {
        var promoted = await ToolProcess.RunAsync(["members", "promote", "3", "-o", "json", "-e", server.LeaderApi]);
        var refused = await ToolProcess.RunAsync(["members", "promote", "5", "-e", server.LeaderApi]);

        Assert.True(promoted.ExitCode == 0, promoted.ToString());
        using var member = JsonDocument.Parse(promoted.Output);
        Assert.Equal("voter", member.RootElement.GetProperty("role").GetString());
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("409", refused.Error, StringComparison.Ordinal);
        Assert.Contains("Member 5 has not caught up.", refused.Error, StringComparison.Ordinal);
        Assert.Equal(["/cluster/members/3/promote", "/cluster/members/5/promote"], server.Received.Select(r => r.Path));
    }

    [Fact]
    public async Task Members_remove_deletes_and_prints_the_new_membership_and_an_unknown_id_exits_1()
    {
        var removed = await ToolProcess.RunAsync(["members", "remove", "3", "-e", server.FollowerApi]);
        var unknown = await ToolProcess.RunAsync(["members", "remove", "9", "-e", server.LeaderApi]);

        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.StartsWith("term 7", removed.Lines[0], StringComparison.Ordinal);
        Assert.Equal(("DELETE", "/cluster/members/3"), (server.Received.First().Method, server.Received.First().Path));
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("No member 9.", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Leader_transfer_names_the_target_or_none_and_prints_the_new_leader()
    {
        var toOne = await ToolProcess.RunAsync(["leader", "transfer", "1", "-e", server.FollowerApi]);
        var toAny = await ToolProcess.RunAsync(["leader", "transfer", "-o", "json", "-e", server.LeaderApi]);
        var toSelf = await ToolProcess.RunAsync(["leader", "transfer", "0", "-e", server.LeaderApi]);

        Assert.True(toOne.ExitCode == 0, toOne.ToString());
        Assert.Equal(["1", server.FollowerApi], Columns(toOne.Lines[1]));
        using var leader = JsonDocument.Parse(toAny.Output);
        Assert.Equal(1, leader.RootElement.GetProperty("id").GetInt32());
        Assert.Equal(1, toSelf.ExitCode);
        Assert.Equal(["""{"id":1}""", "{}", """{"id":0}"""], server.Received.Select(r => r.Body));
    }

    private static string[] Columns(string line) => line.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using HttpRaft.Client.Tests.Cluster;
using HttpRaft.Tests.Cluster;

namespace HttpRaft.Client.Tests.Tool;

/// <summary>
/// The built tool's <c>cluster</c>, <c>members add|promote|remove</c> and <c>leader transfer</c>, run as a process
/// against a live three-node cluster of each test's own (they change it): what they print as a table and as JSON,
/// and their exit codes when the cluster refuses (1) or cannot answer in time (3).
/// </summary>
public sealed class ToolAdminTests : OwnClusterTests
{
    private string Endpoints => string.Join(',', Cluster.Layout.Apis);

    [Fact]
    public async Task Cluster_through_a_follower_prints_every_member_with_the_leader_marked_and_the_leaders_progress()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        await Cluster.AppendAsync(leader, "something to replicate");
        var follower = Cluster.Layout.ApiOf(Cluster.OtherThan(leader));

        var table = await ToolProcess.RunAsync(["cluster", "-e", follower]);
        var json = await ToolProcess.RunAsync(["cluster", "-o", "json", "-e", follower]);

        Assert.True(table.ExitCode == 0, table.ToString());
        var view = (await Cluster.Http.GetFromJsonAsync<ClusterJson>(Cluster.Api(leader, "/cluster")))!;
        Assert.Equal($"term {view.Term}, configuration at index {view.ConfigIndex}, tolerates 1 failed voter(s)", table.Lines[0]);
        Assert.Equal(["ID", "ROLE", "PEER", "API", "LEADER", "MATCH", "LAG", "LAST CONTACT"], Columns(table.Lines[1]));
        Assert.Equal(5, table.Lines.Length);
        foreach (var id in Cluster.RunningIds)
        {
            var row = Columns(table.Lines[2 + id]);
            Assert.Equal([$"{id}", "voter", Cluster.Layout.PeerOf(id), Cluster.Layout.ApiOf(id)], row[..4]);
            // The leader's own row: marked, and trailing by nothing; a follower's: its match index and lag as the leader sees them.
            if (id == leader) Assert.Equal(["*", "0", "0 ms"], [row[4], row[6], row[7]]);
            else Assert.True(row.Length == 7 && long.Parse(row[4], CultureInfo.InvariantCulture) >= 1 && long.Parse(row[5], CultureInfo.InvariantCulture) >= 0 && row[6].EndsWith(" ms", StringComparison.Ordinal), table.Lines[2 + id]);
        }
        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.Output);
        Assert.Equal(leader, document.RootElement.GetProperty("leader").GetProperty("id").GetInt32());
        var members = document.RootElement.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], members.Select(m => m.GetProperty("id").GetInt32()));
        Assert.All(members, m => Assert.Equal(JsonValueKind.Number, m.GetProperty("matchIndex").ValueKind));
    }

    [Fact]
    public async Task Members_add_promote_and_remove_a_learner_that_is_not_running_and_refusals_exit_1_with_the_reason()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var follower = Cluster.Layout.ApiOf(Cluster.OtherThan(leader));
        var (peer, api) = ClusterLayout.FreeAddresses();

        var added = await ToolProcess.RunAsync(["members", "add", "--peer", peer, "--api", api, "-e", follower]);
        var again = await ToolProcess.RunAsync(["members", "add", "--peer", peer, "--api", api, "-e", follower]);
        var promote = await ToolProcess.RunAsync(["members", "promote", "3", "-e", follower]);
        var removed = await ToolProcess.RunAsync(["members", "remove", "3", "-o", "json", "-e", follower]);
        var unknown = await ToolProcess.RunAsync(["members", "remove", "42", "-e", follower]);

        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Equal(["ID", "ROLE", "PEER", "API"], Columns(added.Lines[0]));
        Assert.Equal(["3", "learner", peer, api], Columns(added.Lines[1]));
        Assert.Equal(1, again.ExitCode);
        Assert.Equal("httpraft: refused (409 Conflict): Node 3 is a member at that address already.", again.Error.Trim());
        Assert.Equal(1, promote.ExitCode);
        Assert.Equal("httpraft: refused (409 Conflict): Learner 3 has not caught up with the leader yet; retry once it has.", promote.Error.Trim());
        Assert.True(removed.ExitCode == 0, removed.ToString());
        using var membership = JsonDocument.Parse(removed.Output);
        Assert.Equal([0, 1, 2], membership.RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("id").GetInt32()));
        Assert.Equal(leader, membership.RootElement.GetProperty("leader").GetProperty("id").GetInt32());
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal("httpraft: refused (404 Not Found): No member has that id.", unknown.Error.Trim());
    }

    [Fact]
    public async Task Members_promote_makes_a_caught_up_learner_a_voter_and_members_remove_of_the_leader_follows_its_307()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var joined = await Cluster.JoinNodeAsync(voter: false);
        await Eventually.HoldsAsync(
            async () => (await Cluster.Http.GetFromJsonAsync<ClusterJson>(Cluster.Api(leader, "/cluster")))!.Members.Any(m => m.Id == joined && m.Lag == 0),
            $"learner {joined} to catch up", TimeSpan.FromSeconds(30));

        var promoted = await ToolProcess.RunAsync(["members", "promote", $"{joined}", "-o", "json", "-e", Endpoints]);
        var removed = await ToolProcess.RunAsync(["members", "remove", $"{leader}", "-e", Endpoints]);
        var newLeader = await Cluster.WaitForLeaderAsync();

        Assert.True(promoted.ExitCode == 0, promoted.ToString());
        using (var member = JsonDocument.Parse(promoted.Output))
        {
            Assert.Equal(joined, member.RootElement.GetProperty("id").GetInt32());
            Assert.Equal(("voter", Cluster.Layout.ApiOf(joined)), (member.RootElement.GetProperty("role").GetString(), member.RootElement.GetProperty("api").GetString()));
        }
        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.NotEqual(leader, newLeader);
        Assert.EndsWith("tolerates 1 failed voter(s)", removed.Lines[0], StringComparison.Ordinal);
        var rows = removed.Lines.Skip(2).Select(Columns).ToList();
        Assert.Equal(Cluster.Layout.Ids.Where(id => id != leader).Select(id => $"{id}"), rows.Select(r => r[0]));
        Assert.All(rows, r => Assert.Equal("voter", r[1]));
        Assert.Equal([$"{newLeader}"], rows.Where(r => r[4] == "*").Select(r => r[0]));
    }

    [Fact]
    public async Task Leader_transfer_without_an_id_moves_leadership_and_one_to_the_leader_itself_exits_1()
    {
        var leader = await Cluster.WaitForLeaderAsync();

        var toAny = await ToolProcess.RunAsync(["leader", "transfer", "-o", "json", "-e", Endpoints]);
        var newLeader = await Cluster.WaitForLeaderAsync();
        var toItself = await ToolProcess.RunAsync(["leader", "transfer", $"{newLeader}", "-e", Endpoints]);

        Assert.True(toAny.ExitCode == 0, toAny.ToString());
        using var moved = JsonDocument.Parse(toAny.Output);
        Assert.Equal(newLeader, moved.RootElement.GetProperty("id").GetInt32());
        Assert.Equal(Cluster.Layout.ApiOf(newLeader), moved.RootElement.GetProperty("api").GetString());
        Assert.NotEqual(leader, newLeader);
        Assert.Equal(1, toItself.ExitCode);
        Assert.Equal($"httpraft: refused (409 Conflict): Node {newLeader} already leads.", toItself.Error.Trim());
    }

    [Fact]
    public async Task Members_add_without_a_majority_gives_up_at_the_timeout_with_exit_3()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        foreach (var id in Cluster.RunningIds.Where(id => id != leader).ToList()) await Cluster.StopNodeAsync(id);
        var (peer, api) = ClusterLayout.FreeAddresses();

        var run = await ToolProcess.RunAsync(["members", "add", "--peer", peer, "--api", api, "--timeout", "4", "-e", Endpoints]);

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith("httpraft: unavailable: HttpRaft add member did not succeed within 4 s", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    private static string[] Columns(string line) => line.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

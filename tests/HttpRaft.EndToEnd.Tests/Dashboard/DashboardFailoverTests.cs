using System.Diagnostics;

namespace HttpRaft.EndToEnd.Tests.Dashboard;

/// <summary>The dashboard follows a crash of the leader: the old leader's card turns unreachable and a new leader shows.</summary>
public sealed class DashboardFailoverTests(ITestOutputHelper output, Report report) : IClassFixture<Report>
{
    [Fact]
    public async Task After_the_leader_is_killed_the_page_shows_the_new_leader_within_seconds()
    {
        await using var cluster = LocalCluster.Start(3);
        var (leader, status) = await cluster.WaitForLeaderAsync(cluster.Nodes, afterTerm: 0, TimeSpan.FromSeconds(30));
        var watched = cluster.Nodes.First(n => n != leader);
        using var browser = Browser.Start(1400, 900);
        browser.Driver.Navigate().GoToUrl(watched.ApiUri("/dashboard"));
        var page = new DashboardPage(browser.Driver);
        await browser.UntilAsync(_ => page.Cards.Count(c => c.Badge == "LEADER") == 1 && page.CardOf(leader.Id).Badge == "LEADER" ? "" : null, $"node {leader.Id} as leader", TimeSpan.FromSeconds(15));

        var clock = Stopwatch.StartNew();
        leader.Process.Kill();
        var newLeader = await browser.UntilAsync(
            _ => page.Cards.FirstOrDefault(c => c.Badge == "LEADER" && c.Node != leader.Id && c.Term > status.Term),
            "a new leader in a later term", TimeSpan.FromSeconds(10));
        var shownAfter = clock.Elapsed;
        await browser.UntilAsync(_ => page.CardOf(leader.Id).Badge == "UNREACHABLE" ? "" : null, $"node {leader.Id} unreachable", TimeSpan.FromSeconds(5));

        Assert.NotEqual(leader.Id, newLeader.Node);
        Assert.Equal($"node {newLeader.Node}", page.SummaryLeader);
        report.Line(output, $"Dashboard: killed leader node {leader.Id}; the page showed node {newLeader.Node} leading term {newLeader.Term} after {shownAfter.TotalMilliseconds:0} ms");
        output.WriteLine(browser.Screenshot("dashboard-after-failover"));
    }
}

namespace HttpRaft.EndToEnd.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser against a live three-node cluster, opened on a follower: what a person sees.
/// Screenshots are saved under TestResults/dashboard/.
/// </summary>
public sealed class DashboardTests(LiveClusterFixture live, ITestOutputHelper output) : IClassFixture<LiveClusterFixture>
{
    private static readonly TimeSpan Shown = TimeSpan.FromSeconds(15);

    private ClusterNode Follower => live.Cluster.Nodes.First(n => n != live.Leader);

    [Fact]
    public async Task A_follower_page_shows_three_members_one_leader_and_the_term()
    {
        using var browser = OpenOn(Follower, 1400, 900);
        var page = new DashboardPage(browser.Driver);

        var cards = await browser.UntilAsync(d => page.Cards is { Count: 3 } all && all.All(c => c.Reachable) ? all : null, "three reachable cards", Shown);

        var leaders = cards.Where(c => c.Badge == "LEADER").ToList();
        Assert.Single(leaders);
        Assert.Equal(live.Leader.Id, leaders[0].Node);
        var term = live.LeaderStatus.Term;
        await browser.UntilAsync(_ => page.SummaryTerm == term.ToString(System.Globalization.CultureInfo.InvariantCulture) ? "" : null, $"term {term} in the summary", Shown);
        Assert.All(page.Cards, c => Assert.Equal(term, c.Term));
        Assert.All(page.Cards, c => Assert.Equal($"node {live.Leader.Id}", c.Leader));
        Assert.Equal($"node {live.Leader.Id}", page.SummaryLeader);
        // The leader's card lists both followers' replication.
        var rows = await browser.UntilAsync(_ => page.CardOf(live.Leader.Id).FollowerRows is { Count: 2 } shown ? shown : null, "two follower rows on the leader's card", Shown);
        Assert.Contains(rows, r => r[0] == $"node {Follower.Id}");
        output.WriteLine(browser.Screenshot("dashboard-1400x900"));
    }

    [Fact]
    public async Task The_commit_index_shown_rises_after_appends()
    {
        using var browser = OpenOn(Follower, 1400, 900);
        var page = new DashboardPage(browser.Driver);
        var before = (await browser.UntilAsync(_ => page.CardOf(live.Leader.Id) is { Reachable: true } card ? card : null, "the leader's card", Shown)).CommitIndex;

        var acknowledged = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => live.Cluster.AppendAsync(live.Leader, $"shown {i}", Shown)));
        var last = acknowledged.Max(a => a.Index);

        Assert.True(last > before);
        foreach (var node in live.Cluster.Nodes)
        {
            await browser.UntilAsync(_ => page.CardOf(node.Id).CommitIndex >= last ? "" : null, $"node {node.Id}'s commit index at {last} or more (it was {before})", Shown);
        }
    }

    [Fact]
    public async Task The_page_fits_a_phone()
    {
        using var browser = OpenOn(Follower, 390, 844);
        var page = new DashboardPage(browser.Driver);
        await browser.UntilAsync(d => page.Cards is { Count: 3 } all && all.All(c => c.Reachable) ? all : null, "three reachable cards", Shown);

        Assert.True(page.FitsWidth, "the page scrolls sideways on a 390 px wide screen");
        output.WriteLine(browser.Screenshot("dashboard-phone"));
    }

    private static Browser OpenOn(ClusterNode node, int width, int height)
    {
        var browser = Browser.Start(width, height);
        browser.Driver.Navigate().GoToUrl(node.ApiUri("/dashboard"));
        return browser;
    }
}

using System.Net;
using System.Net.Http.Headers;
using OpenQA.Selenium;

namespace HttpRaft.EndToEnd.Tests.Dashboard;

/// <summary>The operator's side of the page: the API key it asks for, and the transfer button where the route exists.</summary>
public sealed class DashboardActionTests(ITestOutputHelper output)
{
    private const string ReadKey = "dashboard-reader-key-0123456789";
    private const string WriteKey = "dashboard-writer-key-0123456789";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Shown = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task With_API_keys_the_page_asks_for_one_and_shows_the_cluster_once_given_it()
    {
        await using var cluster = LocalCluster.Start(3, new Dictionary<string, string>
        {
            ["HttpRaft__ApiKeys__0__Key"] = ReadKey,
            ["HttpRaft__ApiKeys__0__Scope"] = "read",
            ["HttpRaft__ApiKeys__1__Key"] = WriteKey,
            ["HttpRaft__ApiKeys__1__Scope"] = "write",
        });
        cluster.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WriteKey);
        var (leader, _) = await cluster.WaitForLeaderAsync(cluster.Nodes, afterTerm: 0, Deadline);
        using var browser = Browser.Start(1400, 900);
        browser.Driver.Navigate().GoToUrl(cluster.Nodes.First(n => n != leader).ApiUri("/dashboard"));
        var page = new DashboardPage(browser.Driver);

        var notice = await browser.UntilAsync(d => d.FindElement(By.Id("notice")) is { Displayed: true } shown ? shown.Text : null, "a request for an API key", Shown);
        Assert.Contains("API key", notice, StringComparison.Ordinal);
        Assert.DoesNotContain(page.Cards, c => c.Reachable);

        browser.Driver.FindElement(By.Id("key")).SendKeys(ReadKey);
        browser.Driver.FindElement(By.CssSelector("#key-form button")).Click();

        await browser.UntilAsync(_ => page.Cards is { Count: 3 } all && all.All(c => c.Reachable) ? all : null, "three reachable cards with the key", Shown);
        Assert.Equal(leader.Id, page.Cards.Single(c => c.Badge == "LEADER").Node);
        Assert.False(browser.Driver.FindElement(By.Id("notice")).Displayed);
        output.WriteLine(browser.Screenshot("dashboard-with-key"));
    }

    [Fact]
    public async Task The_transfer_button_is_shown_only_where_the_node_offers_the_route_and_moves_the_leader()
    {
        await using var cluster = LocalCluster.Start(3);
        var (leader, status) = await cluster.WaitForLeaderAsync(cluster.Nodes, afterTerm: 0, Deadline);
        var target = cluster.Nodes.First(n => n != leader);
        using var browser = Browser.Start(1400, 900);
        browser.Driver.Navigate().GoToUrl(target.ApiUri("/dashboard"));
        var page = new DashboardPage(browser.Driver);
        await browser.UntilAsync(_ => page.Cards is { Count: 3 } all && all.All(c => c.Reachable) ? all : null, "three reachable cards", Shown);

        Assert.DoesNotContain("Make leader", page.CardOf(leader.Id).Buttons);
        if (!await OffersTransferAsync(cluster, leader))
        {
            Assert.DoesNotContain("Make leader", page.CardOf(target.Id).Buttons);
            output.WriteLine("POST /cluster/leader is not served by this build: the page shows no transfer button.");
            return;
        }

        var button = await browser.UntilAsync(d => d.FindElements(By.CssSelector($".card[data-node='{target.Id}'] button[data-action='transfer']")).FirstOrDefault(), "the Make leader button", Shown);
        button.Click();
        button.Click(); // the second click confirms
        await browser.UntilAsync(_ => page.CardOf(target.Id) is { Badge: "LEADER" } card && card.Term > status.Term ? card : null, $"node {target.Id} as the new leader", Shown);
        Assert.Contains(browser.Driver.FindElements(By.CssSelector("#timeline li[data-kind='transfer']")), e => e.Text.Contains($"node {target.Id}", StringComparison.Ordinal));
    }

    /// <summary>A GET on the POST-only transfer route is 405 where it exists, 404 where it does not.</summary>
    private static async Task<bool> OffersTransferAsync(LocalCluster cluster, ClusterNode node)
    {
        using var probe = await cluster.Http.GetAsync(node.ApiUri("/cluster/leader"));
        return probe.StatusCode == HttpStatusCode.MethodNotAllowed;
    }
}

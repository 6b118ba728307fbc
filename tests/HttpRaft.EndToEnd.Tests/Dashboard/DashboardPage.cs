using System.Globalization;
using OpenQA.Selenium;

namespace HttpRaft.EndToEnd.Tests.Dashboard;

/// <summary>What a person reads off the dashboard: the cards, and on each its role, term, reachability and indexes.</summary>
internal sealed class DashboardPage(IWebDriver driver)
{
    public IReadOnlyList<Card> Cards => [.. driver.FindElements(By.CssSelector(".card")).Select(e => new Card(e))];

    public string SummaryLeader => driver.FindElement(By.Id("cluster-leader")).Text;

    public string SummaryTerm => driver.FindElement(By.Id("cluster-term")).Text;

    public Card CardOf(int id) => new(driver.FindElement(By.CssSelector($".card[data-node='{id}']")));

    /// <summary>True when the page is no wider than the window (nothing to scroll sideways).</summary>
    public bool FitsWidth => (bool)((IJavaScriptExecutor)driver).ExecuteScript("return document.documentElement.scrollWidth <= window.innerWidth;")!;

    /// <summary>One member's card.</summary>
    public sealed class Card(IWebElement element)
    {
        public int Node => int.Parse(element.GetDomAttribute("data-node")!, CultureInfo.InvariantCulture);

        public bool Reachable => element.GetDomAttribute("data-reachable") == "true";

        /// <summary>The role badge as shown: LEADER, FOLLOWER, CANDIDATE, UNREACHABLE, CONNECTING.</summary>
        public string Badge => Text(".role");

        public long Term => Number(".term");

        public long CommitIndex => Number(".commit");

        public string Leader => Text(".leader");

        public IReadOnlyList<string> Buttons => [.. element.FindElements(By.CssSelector(".actions button")).Select(b => b.Text)];

        /// <summary>The follower rows of the leader's replication table: node, match, lag, lag ms, state.</summary>
        public IReadOnlyList<IReadOnlyList<string>> FollowerRows =>
            [.. element.FindElements(By.CssSelector(".followers tbody tr")).Select(r => (IReadOnlyList<string>)[.. r.FindElements(By.TagName("td")).Select(c => c.Text)])];

        private string Text(string selector) => element.FindElement(By.CssSelector(selector)).Text;

        private long Number(string selector) => long.Parse(Text(selector), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }
}

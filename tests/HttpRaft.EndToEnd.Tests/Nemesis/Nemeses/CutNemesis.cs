using System.Globalization;

namespace HttpRaft.EndToEnd.Tests.Nemesis.Nemeses;

/// <summary>
/// Retention cuts through <c>DELETE /log?before=N</c> on the leader (docs/design.md §8):
/// <list type="bullet">
/// <item><c>cut</c>: N up to 30 entries below the leader's commit index.</item>
/// <item><c>cut:snapshot</c>: a follower is cut off (both ways) until the leader has committed past its last entry,
/// then the leader cuts at its commit index, so the follower, once healed, can only catch up from a snapshot. Each
/// such follower is watched in the background until its log starts at the cut (<see cref="CatchUps"/>).</item>
/// </list>
/// Before each cut the leader's entries about to go are read and recorded (an audit), so the checker can tell an
/// acknowledged entry that was held and then deleted from one that was lost. <see cref="HighestCut"/> is the highest
/// N asked for, answered or not: no member's log may start beyond it.
/// </summary>
internal sealed class CutNemesis(NemesisHistory history) : INemesis
{
    private const string Layer = "cut";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan BehindDeadline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CatchUpDeadline = TimeSpan.FromSeconds(60);
    private readonly List<Task<string>> catchUps = [];
    private (NemesisNode Node, long Before, long Last)? isolated;
    private long audited = 1;

    public IReadOnlyList<string> Kinds { get; } = ["cut", "cut:snapshot"];

    /// <summary>The highest <c>before</c> any cut asked for (1 while none did).</summary>
    public long HighestCut { get; private set; } = 1;

    /// <summary>How each cut-off follower caught up after a <c>cut:snapshot</c>, once every watch ended.</summary>
    public async Task<IReadOnlyList<string>> CatchUps() => await Task.WhenAll(catchUps);

    public async Task<NemesisFault?> StartAsync(NemesisCluster cluster, Random random, string? kind)
    {
        if (await cluster.Http.LeaderAsync(cluster.Running) is not { } leader) return null;
        kind ??= Pick.One(Kinds, random);
        if (kind == "cut")
        {
            var before = Math.Max(1, leader.Status.CommitIndex - random.Next(0, 31));
            return new NemesisFault(kind, await CutAsync(cluster, leader.Node, before));
        }
        var followers = cluster.Running.Where(n => n != leader.Node).ToList();
        if (followers.Count == 0) return null;
        var follower = Pick.One(followers, random);
        // One that answers: a node still starting after a restart has no last index to be behind of yet.
        if (await cluster.Http.StatusAsync(follower, TimeSpan.FromSeconds(3)) is null) return null;
        var others = cluster.Members.Where(n => n != follower).Select(n => n.Id).ToList();
        cluster.Network.Set(Layer, others.SelectMany(o => new[] { (o, follower.Id), (follower.Id, o) }).ToDictionary(l => l, _ => new LinkFault(LinkMode.Refuse)));
        var last = (await cluster.Http.StatusAsync(follower, TimeSpan.FromSeconds(3)))?.LastIndex ?? 0;
        // The writers go on meanwhile; the leader commits past the follower's last entry, then cuts everything it holds.
        var commit = leader.Status.CommitIndex;
        await Poll.WithinAsync(async () => (commit = (await cluster.Http.StatusAsync(leader.Node, TimeSpan.FromSeconds(2)))?.CommitIndex ?? commit) > last + 1, BehindDeadline);
        isolated = (follower, commit, last);
        return new NemesisFault(kind, $"{follower} (last index {last}) cut off; {await CutAsync(cluster, leader.Node, commit)}");
    }

    public Task HealAsync(NemesisCluster cluster)
    {
        cluster.Network.Heal(Layer);
        if (isolated is { } cut && cut.Before > cut.Last + 1) catchUps.Add(WatchCatchUpAsync(cluster, cut.Node, cut.Before));
        isolated = null;
        return Task.CompletedTask;
    }

    /// <summary>Audits what the cut deletes, then cuts; describes the answer.</summary>
    private async Task<string> CutAsync(NemesisCluster cluster, NemesisNode leader, long before)
    {
        await AuditAsync(cluster, leader, before);
        HighestCut = Math.Max(HighestCut, before);
        var answer = await cluster.Http.SendAsync(leader.ApiUri($"/log?before={before.ToString(CultureInfo.InvariantCulture)}"), uri => new HttpRequestMessage(HttpMethod.Delete, uri), Deadline);
        return $"DELETE /log?before={before} on {leader}: {(answer.Answered ? $"{answer.Status} {Brief(answer.Body)}" : answer.Body)}";
    }

    /// <summary>Reads and records the leader's entries from the last audit up to <paramref name="before"/>, page by page.</summary>
    private async Task AuditAsync(NemesisCluster cluster, NemesisNode leader, long before)
    {
        for (var from = audited; from < before;)
        {
            history.ReadStarted();
            var start = history.Now;
            var answer = await cluster.Http.GetAsync(leader.ApiUri($"/log?index={from}&limit={NemesisClients.PageLimit}"), Deadline);
            if (answer.Status == 410 && NemesisClients.FirstIndexOf(answer) is { } first && first > from)
            {
                from = first; // Cut already (an earlier cut whose answer was lost, or the audit of a cut that failed).
                continue;
            }
            if (answer.Status != 200 || answer.Read<NodeHttp.Page>() is not { } page || page.Entries.Count == 0)
            {
                history.ReadFailed(ReadKind.Local, $"audit {answer.Status}");
                return;
            }
            history.Add(new NemesisRead(ReadKind.Local, new History.ReadOp(leader.Id, start, history.Now, from, page.Entries.ToDictionary(e => e.Index, e => e.Entry), page.Entries.Count == NemesisClients.PageLimit)));
            from = page.Entries[^1].Index + 1;
            audited = Math.Max(audited, from);
        }
    }

    /// <summary>Waits until the follower's log starts at the cut and it has applied past it: it installed the snapshot.</summary>
    private static async Task<string> WatchCatchUpAsync(NemesisCluster cluster, NemesisNode node, long before)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var caughtUp = await Poll.WithinAsync(async () => !node.IsMember || node.State != NodeState.Running
            || (await cluster.Http.StatusAsync(node, TimeSpan.FromSeconds(2))) is { } s && s.FirstIndex >= before && s.CommitIndex >= before, CatchUpDeadline);
        if (!node.IsMember || node.State != NodeState.Running) return $"{node}: no longer running or a member before it caught up";
        return caughtUp ? $"{node} caught up past the cut at {before} from a snapshot in {clock.Elapsed.TotalSeconds:0.0} s" : $"{node} had not caught up past the cut at {before} after {CatchUpDeadline.TotalSeconds:0} s";
    }

    private static string Brief(string body) => body.Length <= 160 ? body : body[..160] + "…";
}

using HttpRaft.EndToEnd.Tests.History;

namespace HttpRaft.EndToEnd.Tests.Nemesis;

/// <summary>One member's log at the end of a run, from its first retained index.</summary>
internal sealed record FinalLog(int Node, IReadOnlyList<LogEntry> Entries, long FirstIndex);

/// <summary>
/// What the checker found: the violations, and of the acknowledged appends below the final logs' first index (deleted
/// by a retention cut), how many a read had shown at their index before the cut, and how many no read ever showed.
/// </summary>
internal sealed record NemesisVerdict(List<string> Violations, int RetainedThenDeleted, int DeletedUnread);

/// <summary>
/// Checks a fault-injection run, building on <see cref="HistoryChecker"/> (the kill -9 history test's checker).
/// Retention cuts delete the log's prefix, so the final logs hold only what is at or above the highest first index
/// (the floor); what lay below is known from the pages read during the run (the cut nemesis reads what it is about to
/// delete, and tails follow every member). Checked:
/// <list type="bullet">
/// <item>at and above the floor: every acknowledged append is on every member once at its index and term, and the
/// members' logs are identical (<see cref="HistoryChecker.CheckFinalLogs"/>);</item>
/// <item>below it: an acknowledged append that a page showed at its index was retained, then deleted (counted, not a
/// violation); a page showing another entry there is a lost append; one no page showed is counted as unread;</item>
/// <item>no member's log starts beyond the highest cut asked for: nothing else deletes entries;</item>
/// <item>no two pages show different entries at one index, and no entry shows at two indexes (a keyed retry that
/// appended again, or an unkeyed append the server doubled);</item>
/// <item>no two acknowledgements for one index name different entries, and no entry is acknowledged at two indexes:
/// an old leader (paused, cut off, its disk stalled) that answered 201 after it was deposed shows here, with the node
/// and term of each acknowledgement;</item>
/// <item>every page (local reads and tails too) has no hole: it shows every known entry between its first index and
/// its last;</item>
/// <item>linearizable reads, over the whole run: each includes every append acknowledged before it started, and none
/// shows less than a read that ended before it started (<see cref="HistoryChecker"/>'s read checks).</item>
/// </list>
/// </summary>
internal static class NemesisChecker
{
    public static NemesisVerdict Check(IReadOnlyList<NemesisAppend> appends, IReadOnlyList<NemesisRead> reads, IReadOnlyList<FinalLog> finals, long highestCut = 1)
    {
        if (finals.Count == 0) return new NemesisVerdict(["no member's log could be read at the end"], 0, 0);
        var violations = new List<string>();
        foreach (var final in finals.Where(f => f.FirstIndex > highestCut))
        {
            violations.Add($"node {final.Node}'s log starts at {final.FirstIndex}, beyond every cut asked for (the highest before={highestCut}): entries were lost");
        }
        var floor = finals.Max(f => f.FirstIndex);
        var logs = finals.Select(f => (IReadOnlyList<(long, long, string)>)[.. f.Entries.Where(e => e.Index >= floor).Select(e => (e.Index, e.Term, e.Entry))]).ToList();
        var acknowledged = appends.Where(a => a.Acknowledged is not null).ToList();
        HistoryChecker.CheckFinalLogs(new History.History([.. acknowledged.Where(a => a.Acknowledged!.Value.Index >= floor).Select(a => a.AsOp())], [], logs), violations);

        var known = Known(logs[0], reads, floor, violations);
        CheckNoDuplicates(known, floor, violations);
        var (retained, unread) = CheckDeleted(acknowledged, known, floor, violations);
        CheckAcknowledgementsAgree(acknowledged, violations);
        var indexes = known.Keys.Order().ToArray();
        foreach (var read in reads) CheckNoHole(read, known, indexes, violations);
        var linearizable = reads.Where(r => r.Kind == ReadKind.Linearizable).Select(r => r.Op).ToList();
        HistoryChecker.CheckReadsIncludeEarlierAcks([.. appends.Select(a => a.AsOp())], linearizable, violations);
        HistoryChecker.CheckReadsNeverGoBack(linearizable, violations);
        return new NemesisVerdict(violations, retained, unread);
    }

    /// <summary>
    /// The log as the run saw it: the final log at and above the floor, below it what the pages showed. Every page
    /// must agree with it.
    /// </summary>
    private static Dictionary<long, string> Known(IReadOnlyList<(long Index, long Term, string Entry)> final, IReadOnlyList<NemesisRead> reads, long floor, List<string> violations)
    {
        var known = final.ToDictionary(e => e.Index, e => e.Entry);
        var seenBy = new Dictionary<long, NemesisRead>();
        foreach (var read in reads)
        {
            foreach (var (index, entry) in read.Op.Entries.OrderBy(e => e.Key))
            {
                if (index < floor && known.TryAdd(index, entry))
                {
                    seenBy[index] = read;
                    continue;
                }
                if (known.TryGetValue(index, out var held) && held == entry) continue;
                var against = index >= floor ? $"the final log holds {held ?? "nothing"} there" : $"a {seenBy[index].Kind} read on node {seenBy[index].Op.Node} saw '{held}' there";
                violations.Add($"a {read.Kind} read on node {read.Op.Node} saw '{entry}' at {index}, but {against}");
                break; // One disagreement per page is enough to show it.
            }
        }
        return known;
    }

    /// <summary>No entry at two indexes where one is below the floor (above it <see cref="HistoryChecker.CheckFinalLogs"/> looks).</summary>
    private static void CheckNoDuplicates(Dictionary<long, string> known, long floor, List<string> violations)
    {
        foreach (var entry in known.GroupBy(e => e.Value).Where(g => g.Count() > 1 && g.Any(e => e.Key < floor)))
        {
            violations.Add($"'{entry.Key}' is in the log {entry.Count()} times, at {string.Join(", ", entry.Select(e => e.Key).Order())}");
        }
    }

    /// <summary>Acknowledged appends below the floor: shown at their index before the cut, shown as something else, or never read.</summary>
    private static (int Retained, int Unread) CheckDeleted(List<NemesisAppend> acknowledged, Dictionary<long, string> known, long floor, List<string> violations)
    {
        var (retained, unread) = (0, 0);
        foreach (var append in acknowledged.Where(a => a.Acknowledged!.Value.Index < floor))
        {
            var index = append.Acknowledged!.Value.Index;
            if (!known.TryGetValue(index, out var held)) unread++;
            else if (held == append.Entry) retained++;
            else violations.Add($"{Describe(append)} was acknowledged, but a read before the cut saw '{held}' there: lost");
        }
        return (retained, unread);
    }

    private static void CheckAcknowledgementsAgree(List<NemesisAppend> acks, List<string> violations)
    {
        foreach (var index in acks.GroupBy(a => a.Acknowledged!.Value.Index).Where(g => g.Select(a => a.Entry).Distinct().Count() > 1))
        {
            violations.Add($"index {index.Key} was acknowledged for different entries: {string.Join(", ", index.Select(Describe))}");
        }
        foreach (var entry in acks.GroupBy(a => a.Entry).Where(g => g.Select(a => a.Acknowledged!.Value.Index).Distinct().Count() > 1))
        {
            violations.Add($"'{entry.Key}' was acknowledged at different indexes: {string.Join(", ", entry.Select(Describe))}");
        }
    }

    /// <summary>A page holds every known entry from its first index to its last.</summary>
    private static void CheckNoHole(NemesisRead read, Dictionary<long, string> known, long[] indexes, List<string> violations)
    {
        var op = read.Op;
        var at = Array.BinarySearch(indexes, op.From);
        for (var i = at >= 0 ? at : ~at; i < indexes.Length && indexes[i] <= op.Max; i++)
        {
            if (!op.Entries.ContainsKey(indexes[i]))
            {
                violations.Add($"a {read.Kind} read on node {op.Node} from {op.From} to {op.Max} has a hole at {indexes[i]} ('{known[indexes[i]]}')");
                return;
            }
        }
    }

    private static string Describe(NemesisAppend append) =>
        $"'{append.Entry}' at {append.Acknowledged!.Value.Index} by node {append.Node} in term {append.Acknowledged!.Value.Term}";
}

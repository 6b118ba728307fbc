using HttpRaft.EndToEnd.Tests.History;

namespace HttpRaft.EndToEnd.Tests.Nemesis;

/// <summary>One member's log at the end of a run, from its first retained index.</summary>
internal sealed record FinalLog(int Node, IReadOnlyList<LogEntry> Entries, long FirstIndex);

/// <summary>
/// Checks a fault-injection run. <see cref="HistoryChecker"/> (the kill -9 history test's checker) covers the
/// acknowledged appends and the linearizable reads: every acknowledged append is on every member exactly once at its
/// index and term; no entry appears twice (a keyed retry that appended again, or an unkeyed one the server doubled);
/// the members' logs are identical; a linearizable read agrees with the final log, includes every append
/// acknowledged before it started and never shows less than a read that ended before it started. This adds:
/// <list type="bullet">
/// <item>no two acknowledgements for one index name different entries, and no entry is acknowledged at two indexes:
/// an old leader (paused, cut off, its disk stalled) that answered 201 after it was deposed would show here, with the
/// node and term of each acknowledgement;</item>
/// <item>every page (local reads and tails too) agrees with the final log and has no hole: it shows every entry the
/// final log holds between its first index and its last.</item>
/// </list>
/// Entries below the highest first index (retention cut them everywhere) are out of reach and not checked.
/// </summary>
internal static class NemesisChecker
{
    public static List<string> Check(IReadOnlyList<NemesisAppend> appends, IReadOnlyList<NemesisRead> reads, IReadOnlyList<FinalLog> finals)
    {
        if (finals.Count == 0) return ["no member's log could be read at the end"];
        var floor = finals.Max(f => f.FirstIndex);
        var logs = finals.Select(f => (IReadOnlyList<(long, long, string)>)[.. f.Entries.Where(e => e.Index >= floor).Select(e => (e.Index, e.Term, e.Entry))]).ToList();
        var acknowledged = appends.Where(a => a.Acknowledged is { } ack && ack.Index >= floor).Select(a => a.AsOp()).ToList();
        var linearizable = reads.Where(r => r.Kind == ReadKind.Linearizable).Select(r => Above(r.Op, floor)).ToList();
        var violations = HistoryChecker.Check(new History.History(acknowledged, linearizable, logs));
        CheckAcknowledgementsAgree(appends, violations);
        var final = logs[0].ToDictionary(e => e.Item1, e => e.Item3);
        var indexes = final.Keys.Order().ToArray();
        foreach (var read in reads) CheckPage(read.Kind, Above(read.Op, floor), final, indexes, violations);
        return violations;
    }

    private static void CheckAcknowledgementsAgree(IReadOnlyList<NemesisAppend> appends, List<string> violations)
    {
        var acks = appends.Where(a => a.Acknowledged is not null).ToList();
        foreach (var index in acks.GroupBy(a => a.Acknowledged!.Value.Index).Where(g => g.Select(a => a.Entry).Distinct().Count() > 1))
        {
            violations.Add($"index {index.Key} was acknowledged for different entries: {string.Join(", ", index.Select(Describe))}");
        }
        foreach (var entry in acks.GroupBy(a => a.Entry).Where(g => g.Select(a => a.Acknowledged!.Value.Index).Distinct().Count() > 1))
        {
            violations.Add($"'{entry.Key}' was acknowledged at different indexes: {string.Join(", ", entry.Select(Describe))}");
        }
    }

    /// <summary>A page agrees with the final log, index by index, and holds every final entry from its first index to its last.</summary>
    private static void CheckPage(ReadKind kind, ReadOp read, Dictionary<long, string> final, long[] indexes, List<string> violations)
    {
        // Linearizable pages' agreement is HistoryChecker's; their holes are checked here like every page's.
        if (kind != ReadKind.Linearizable)
        {
            foreach (var (index, entry) in read.Entries.Where(e => !final.TryGetValue(e.Key, out var held) || held != e.Value))
            {
                violations.Add($"a {kind} read on node {read.Node} saw '{entry}' at {index}, but the final log holds {final.GetValueOrDefault(index) ?? "nothing"} there");
            }
        }
        var at = Array.BinarySearch(indexes, read.From);
        for (var i = at >= 0 ? at : ~at; i < indexes.Length && indexes[i] <= read.Max; i++)
        {
            if (!read.Entries.ContainsKey(indexes[i]))
            {
                violations.Add($"a {kind} read on node {read.Node} from {read.From} to {read.Max} has a hole at {indexes[i]} ('{final[indexes[i]]}')");
                return;
            }
        }
    }

    /// <summary>The read without what lies below <paramref name="floor"/>.</summary>
    private static ReadOp Above(ReadOp read, long floor) =>
        read.From >= floor ? read : read with { From = floor, Entries = read.Entries.Where(e => e.Key >= floor).ToDictionary() };

    private static string Describe(NemesisAppend append) =>
        $"'{append.Entry}' at {append.Acknowledged!.Value.Index} by node {append.Node} in term {append.Acknowledged!.Value.Term}";
}

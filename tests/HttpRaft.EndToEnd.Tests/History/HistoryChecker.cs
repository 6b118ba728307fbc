namespace HttpRaft.EndToEnd.Tests.History;

/// <summary>
/// Checks a recorded history against what the client API promises (Jepsen/Porcupine style, specialised to an
/// append-only log, so it runs in O(n log n) instead of a general linearizability search):
/// every acknowledged append is in every node's final log exactly once, at its acknowledged index and term;
/// no entry appears twice; the nodes' logs agree; every linearizable read agrees with the final log, includes
/// every append acknowledged before it started, and never shows less than a read that ended before it started.
/// </summary>
internal static class HistoryChecker
{
    /// <summary>Every violation found, each described in one line; empty when the history is correct.</summary>
    public static List<string> Check(History history)
    {
        var violations = new List<string>();
        CheckFinalLogs(history, violations);
        CheckReadsAgreeWithTheLog(history, violations);
        CheckReadsIncludeEarlierAcks(history.Appends, history.Reads, violations);
        CheckReadsNeverGoBack(history.Reads, violations);
        return violations;
    }

    /// <summary>Every acknowledged append is in every final log once at its index and term; the logs are identical.</summary>
    public static void CheckFinalLogs(History history, List<string> violations)
    {
        for (var node = 0; node < history.FinalLogs.Count; node++)
        {
            var log = history.FinalLogs[node];
            foreach (var dup in log.GroupBy(e => e.Entry).Where(g => g.Count() > 1))
            {
                violations.Add($"node {node} holds '{dup.Key}' {dup.Count()} times, at {string.Join(", ", dup.Select(e => e.Index))}");
            }
            var byIndex = log.GroupBy(e => e.Index).ToDictionary(g => g.Key, g => g.First());
            foreach (var append in history.Appends)
            {
                if (append.Acknowledged is not { } ack) continue;
                if (!byIndex.TryGetValue(ack.Index, out var held) || held.Entry != append.Entry || held.Term != ack.Term)
                {
                    violations.Add($"'{append.Entry}' was acknowledged at {ack.Index} (term {ack.Term}) but node {node} holds {(byIndex.ContainsKey(ack.Index) ? held.ToString() : "nothing")} there");
                }
            }
            if (node > 0 && !log.SequenceEqual(history.FinalLogs[0]))
            {
                violations.Add($"node {node}'s log ({log.Count} entries) differs from node 0's ({history.FinalLogs[0].Count} entries)");
            }
        }
    }

    private static void CheckReadsAgreeWithTheLog(History history, List<string> violations)
    {
        if (history.FinalLogs.Count == 0) return;
        var final = history.FinalLogs[0].ToDictionary(e => e.Index, e => e.Entry);
        foreach (var read in history.Reads)
        {
            foreach (var (index, entry) in read.Entries)
            {
                if (!final.TryGetValue(index, out var held) || held != entry)
                {
                    violations.Add($"a read on node {read.Node} saw '{entry}' at {index}, but the final log holds {held ?? "nothing"} there");
                }
            }
        }
    }

    /// <summary>Each read shows every append acknowledged before it started, within the indexes it covers.</summary>
    public static void CheckReadsIncludeEarlierAcks(IReadOnlyList<AppendOp> appends, IReadOnlyList<ReadOp> reads, List<string> violations)
    {
        var acks = appends.Where(a => a.Acknowledged is not null).OrderBy(a => a.End).ToList();
        var ends = acks.Select(a => a.End).ToArray();
        foreach (var read in reads)
        {
            // Appends acknowledged before the read started: the prefix of acks ordered by end.
            var before = LowerBound(ends, read.Start);
            for (var i = 0; i < before; i++)
            {
                var (index, _) = acks[i].Acknowledged!.Value;
                if (index < read.From || (read.Truncated && index > read.Max)) continue;
                if (!read.Entries.TryGetValue(index, out var seen) || seen != acks[i].Entry)
                {
                    violations.Add($"a read on node {read.Node} from {read.From} (up to {read.Max}) misses '{acks[i].Entry}', acknowledged at {index} before the read started");
                }
            }
        }
    }

    /// <summary>No read shows less than a read that ended before it started.</summary>
    public static void CheckReadsNeverGoBack(IReadOnlyList<ReadOp> reads, List<string> violations)
    {
        var byEnd = reads.OrderBy(r => r.End).ToList();
        var ends = byEnd.Select(r => r.End).ToArray();
        // highest[i]: the highest index any of the first i + 1 reads (by end) showed.
        var highest = new long[byEnd.Count];
        for (var i = 0; i < byEnd.Count; i++) highest[i] = Math.Max(i > 0 ? highest[i - 1] : 0, byEnd[i].Max);
        foreach (var read in reads)
        {
            var before = LowerBound(ends, read.Start);
            if (before == 0 || read.Truncated) continue;
            var seen = highest[before - 1];
            if (seen >= read.From && read.Max < seen)
            {
                violations.Add($"a read on node {read.Node} shows up to {read.Max}, less than the {seen} a read that ended before it started showed");
            }
        }
    }

    /// <summary>How many of the sorted <paramref name="values"/> are strictly below <paramref name="limit"/>.</summary>
    private static int LowerBound(long[] values, long limit)
    {
        int low = 0, high = values.Length;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (values[mid] < limit) low = mid + 1;
            else high = mid;
        }
        return low;
    }
}

namespace HttpRaft.EndToEnd.Tests.History;

/// <summary>The checker flags each kind of bad history it exists to catch, and passes a good one: proof the history test can fail.</summary>
public sealed class HistoryCheckerTests
{
    private static readonly IReadOnlyList<(long, long, string)> Log = [(2, 1, "a"), (3, 1, "b"), (4, 1, "c")];

    private static History Good() => new(
        [Ack("a", 0, 10, 2), Ack("b", 5, 20, 3), Ack("c", 30, 40, 4)],
        [Read(21, 25, 1, (2, "a"), (3, "b")), Read(41, 45, 1, (2, "a"), (3, "b"), (4, "c"))],
        [Log, Log, Log]);

    [Fact]
    public void A_correct_history_has_no_violation() => Assert.Empty(HistoryChecker.Check(Good()));

    [Fact]
    public void A_read_missing_an_append_acknowledged_before_it_started_is_flagged()
    {
        // The stale read a lagging follower serves with consistency=local: "b" was acknowledged at 20, the read began at 21.
        var history = Good() with { Reads = [Read(21, 25, 1, (2, "a"))] };
        Assert.Contains(HistoryChecker.Check(history), v => v.Contains("misses 'b'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_read_showing_less_than_an_earlier_read_is_flagged()
    {
        var history = Good() with
        {
            Appends = [Ack("a", 0, 10, 2)],
            Reads = [Read(11, 15, 1, (2, "a"), (3, "b")), Read(16, 18, 1, (2, "a"))],
        };
        Assert.Contains(HistoryChecker.Check(history), v => v.Contains("less than", StringComparison.Ordinal));
    }

    [Fact]
    public void A_duplicated_entry_is_flagged()
    {
        IReadOnlyList<(long, long, string)> doubled = [.. Log, (5, 2, "b")];
        var history = Good() with { FinalLogs = [doubled, doubled, doubled] };
        Assert.Contains(HistoryChecker.Check(history), v => v.Contains("'b' 2 times", StringComparison.Ordinal));
    }

    [Fact]
    public void An_acknowledged_append_missing_or_moved_on_one_node_is_flagged()
    {
        IReadOnlyList<(long, long, string)> moved = [(2, 1, "a"), (3, 1, "c"), (4, 1, "b")];
        var violations = HistoryChecker.Check(Good() with { FinalLogs = [Log, Log, moved] });
        Assert.Contains(violations, v => v.Contains("'b' was acknowledged at 3", StringComparison.Ordinal) && v.Contains("node 2", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("differs", StringComparison.Ordinal));
    }

    [Fact]
    public void A_read_of_something_the_log_does_not_hold_is_flagged()
    {
        var history = Good() with { Reads = [Read(41, 45, 1, (2, "a"), (3, "b"), (4, "x"))] };
        Assert.Contains(HistoryChecker.Check(history), v => v.Contains("saw 'x' at 4", StringComparison.Ordinal));
    }

    private static AppendOp Ack(string entry, long start, long end, long index) => new(entry, start, end, (index, 1));

    private static ReadOp Read(long start, long end, long from, params (long Index, string Entry)[] entries) =>
        new(0, start, end, from, entries.ToDictionary(e => e.Index, e => e.Entry), Truncated: false);
}

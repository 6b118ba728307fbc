using HttpRaft.EndToEnd.Tests.History;

namespace HttpRaft.EndToEnd.Tests.Nemesis;

/// <summary>The fault-injection checker flags each bad history it adds to the history checker's, and passes a good one.</summary>
public sealed class NemesisCheckerTests
{
    private static readonly List<LogEntry> Log = [new(2, 1, "a"), new(3, 1, "b"), new(5, 2, "c")];

    private static readonly IReadOnlyList<FinalLog> Finals = [new(0, Log, 1), new(1, Log, 1), new(2, Log, 1)];

    private static readonly IReadOnlyList<NemesisAppend> Appends = [Ack("a", 0, 10, 0, 2, 1), Ack("b", 5, 20, 0, 3, 1), Ack("c", 30, 40, 1, 5, 2)];

    [Fact]
    public void A_correct_history_has_no_violation() =>
        Assert.Empty(NemesisChecker.Check(Appends, [Read(ReadKind.Local, 41, 2, (2, "a"), (3, "b"), (5, "c")), Read(ReadKind.Tail, 41, 4, (5, "c"))], Finals));

    [Fact]
    public void A_deposed_leader_acknowledging_an_index_another_leader_filled_is_flagged()
    {
        // Node 0, paused in term 1, wakes up and answers 201 for 'x' at 5, which node 1 committed for 'c' in term 2.
        var violations = NemesisChecker.Check([.. Appends, Ack("x", 25, 45, 0, 5, 1)], [], Finals);

        Assert.Contains(violations, v => v.Contains("index 5 was acknowledged for different entries", StringComparison.Ordinal)
            && v.Contains("'x' at 5 by node 0 in term 1", StringComparison.Ordinal) && v.Contains("'c' at 5 by node 1 in term 2", StringComparison.Ordinal));
    }

    [Fact]
    public void One_entry_acknowledged_at_two_indexes_is_flagged()
    {
        var violations = NemesisChecker.Check([.. Appends, Ack("b", 25, 45, 1, 5, 2)], [], Finals);

        Assert.Contains(violations, v => v.Contains("'b' was acknowledged at different indexes", StringComparison.Ordinal));
    }

    [Fact]
    public void A_local_read_with_a_hole_is_flagged()
    {
        var violations = NemesisChecker.Check(Appends, [Read(ReadKind.Local, 41, 2, (2, "a"), (5, "c"))], Finals);

        Assert.Contains(violations, v => v.Contains("Local read on node 0 from 2 to 5 has a hole at 3 ('b')", StringComparison.Ordinal));
    }

    [Fact]
    public void A_tail_showing_what_the_final_log_does_not_hold_is_flagged()
    {
        var violations = NemesisChecker.Check(Appends, [Read(ReadKind.Tail, 41, 4, (4, "ghost"))], Finals);

        Assert.Contains(violations, v => v.Contains("Tail read on node 0 saw 'ghost' at 4", StringComparison.Ordinal));
    }

    [Fact]
    public void A_linearizable_read_missing_an_earlier_acknowledgement_is_flagged()
    {
        var violations = NemesisChecker.Check(Appends, [Read(ReadKind.Linearizable, 41, 2, (2, "a"), (3, "b"))], Finals);

        Assert.Contains(violations, v => v.Contains("misses 'c'", StringComparison.Ordinal));
    }

    [Fact]
    public void Entries_below_the_first_retained_index_are_out_of_reach_and_not_flagged()
    {
        // Retention cut everything below 4: 'a' and 'b' are gone from every log but were acknowledged and read.
        List<LogEntry> cut = [new(5, 2, "c")];
        var violations = NemesisChecker.Check(Appends, [Read(ReadKind.Local, 41, 2, (2, "a"), (3, "b"), (5, "c"))], [new(0, cut, 4), new(1, cut, 4)]);

        Assert.Empty(violations);
    }

    private static NemesisAppend Ack(string entry, long start, long end, int node, long index, long term) => new(entry, Keyed: true, start, end, node, (index, term));

    private static NemesisRead Read(ReadKind kind, long start, long from, params (long Index, string Entry)[] entries) =>
        new(kind, new ReadOp(0, start, start + 1, from, entries.ToDictionary(e => e.Index, e => e.Entry), Truncated: false));
}

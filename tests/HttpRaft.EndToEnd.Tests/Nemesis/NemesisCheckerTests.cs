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
        Assert.Empty(Violations(Appends, [Read(ReadKind.Local, 41, 2, (2, "a"), (3, "b"), (5, "c")), Read(ReadKind.Tail, 41, 4, (5, "c"))], Finals));

    [Fact]
    public void A_deposed_leader_acknowledging_an_index_another_leader_filled_is_flagged()
    {
        // Node 0, paused in term 1, wakes up and answers 201 for 'x' at 5, which node 1 committed for 'c' in term 2.
        var violations = Violations([.. Appends, Ack("x", 25, 45, 0, 5, 1)], [], Finals);

        Assert.Contains(violations, v => v.Contains("index 5 was acknowledged for different entries", StringComparison.Ordinal)
            && v.Contains("'x' at 5 by node 0 in term 1", StringComparison.Ordinal) && v.Contains("'c' at 5 by node 1 in term 2", StringComparison.Ordinal));
    }

    [Fact]
    public void One_entry_acknowledged_at_two_indexes_is_flagged()
    {
        var violations = Violations([.. Appends, Ack("b", 25, 45, 1, 5, 2)], [], Finals);

        Assert.Contains(violations, v => v.Contains("'b' was acknowledged at different indexes", StringComparison.Ordinal));
    }

    [Fact]
    public void A_local_read_with_a_hole_is_flagged()
    {
        var violations = Violations(Appends, [Read(ReadKind.Local, 41, 2, (2, "a"), (5, "c"))], Finals);

        Assert.Contains(violations, v => v.Contains("Local read on node 0 from 2 to 5 has a hole at 3 ('b')", StringComparison.Ordinal));
    }

    [Fact]
    public void A_tail_showing_what_the_final_log_does_not_hold_is_flagged()
    {
        var violations = Violations(Appends, [Read(ReadKind.Tail, 41, 4, (4, "ghost"))], Finals);

        Assert.Contains(violations, v => v.Contains("Tail read on node 0 saw 'ghost' at 4", StringComparison.Ordinal));
    }

    [Fact]
    public void A_linearizable_read_missing_an_earlier_acknowledgement_is_flagged()
    {
        var violations = Violations(Appends, [Read(ReadKind.Linearizable, 41, 2, (2, "a"), (3, "b"))], Finals);

        Assert.Contains(violations, v => v.Contains("misses 'c'", StringComparison.Ordinal));
    }

    [Fact]
    public void Acknowledged_entries_a_cut_deleted_after_a_read_showed_them_count_as_retained_then_deleted()
    {
        // DELETE /log?before=4: 'a' and 'b' are gone from every log, but a page showed both before the cut.
        var verdict = NemesisChecker.Check(Appends, [Read(ReadKind.Local, 41, 2, (2, "a"), (3, "b"), (5, "c"))], Cut, highestCut: 4);

        Assert.Empty(verdict.Violations);
        Assert.Equal(2, verdict.RetainedThenDeleted);
        Assert.Equal(0, verdict.DeletedUnread);
    }

    [Fact]
    public void Acknowledged_entries_a_cut_deleted_before_any_read_are_counted_as_unread_not_lost()
    {
        var verdict = NemesisChecker.Check(Appends, [], Cut, highestCut: 4);

        Assert.Empty(verdict.Violations);
        Assert.Equal(2, verdict.DeletedUnread);
    }

    [Fact]
    public void A_log_that_starts_beyond_every_cut_asked_for_is_flagged_as_loss()
    {
        var violations = Violations(Appends, [], Cut, highestCut: 3);

        Assert.Contains(violations, v => v.Contains("node 0's log starts at 4, beyond every cut asked for", StringComparison.Ordinal));
    }

    [Fact]
    public void An_acknowledged_entry_a_read_showed_replaced_before_the_cut_is_flagged_as_lost()
    {
        var violations = Violations(Appends, [Read(ReadKind.Tail, 41, 2, (2, "a"), (3, "other"))], Cut, highestCut: 4);

        Assert.Contains(violations, v => v.Contains("'b' at 3 by node 0 in term 1 was acknowledged, but a read before the cut saw 'other' there", StringComparison.Ordinal));
    }

    [Fact]
    public void Pages_that_disagree_below_the_cut_are_flagged()
    {
        var violations = Violations(Appends, [Read(ReadKind.Tail, 41, 2, (2, "a")), Read(ReadKind.Local, 42, 2, (2, "z"))], Cut, highestCut: 4);

        Assert.Contains(violations, v => v.Contains("a Local read on node 0 saw 'z' at 2, but a Tail read on node 0 saw 'a' there", StringComparison.Ordinal));
    }

    [Fact]
    public void An_entry_shown_at_two_indexes_across_a_cut_is_flagged_as_a_duplicate()
    {
        var violations = Violations(Appends, [Read(ReadKind.Tail, 41, 2, (2, "a"), (3, "c"))], Cut, highestCut: 4);

        Assert.Contains(violations, v => v.Contains("'c' is in the log 2 times, at 3, 5", StringComparison.Ordinal));
    }

    [Fact]
    public void A_linearizable_read_from_before_a_cut_is_still_held_to_every_earlier_acknowledgement()
    {
        var violations = Violations(Appends, [Read(ReadKind.Linearizable, 21, 2, (2, "a"))], Cut, highestCut: 4);

        Assert.Contains(violations, v => v.Contains("misses 'b'", StringComparison.Ordinal));
    }

    // Everything below 4 deleted on every member.
    private static IReadOnlyList<FinalLog> Cut => [new(0, [new(5, 2, "c")], 4), new(1, [new(5, 2, "c")], 4)];

    private static List<string> Violations(IReadOnlyList<NemesisAppend> appends, IReadOnlyList<NemesisRead> reads, IReadOnlyList<FinalLog> finals, long highestCut = 1) =>
        NemesisChecker.Check(appends, reads, finals, highestCut).Violations;

    private static NemesisAppend Ack(string entry, long start, long end, int node, long index, long term) => new(entry, Keyed: true, start, end, node, (index, term));

    private static NemesisRead Read(ReadKind kind, long start, long from, params (long Index, string Entry)[] entries) =>
        new(kind, new ReadOp(0, start, start + 1, from, entries.ToDictionary(e => e.Index, e => e.Entry), Truncated: false));
}

using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>The log's own rules (§5.3, §5.4.1), one by one, on a log of terms [1, 1, 2, 3, 3] (indexes 1..5).</summary>
public sealed class RaftLogRulesTests
{
    private static RaftLog Log(long commit = 0) =>
        new(Logs.Disk(3, [1, 1, 2, 3, 3], commit), applied: 0, Configuration.Bootstrap([0, 1, 2]));

    [Fact]
    public void A_term_is_known_from_the_index_before_the_first_to_the_last_and_is_zero_elsewhere()
    {
        var log = Log();

        Assert.Equal([0L, 1, 1, 2, 3, 3, 0], Enumerable.Range(0, 7).Select(i => log.Term(i)));
    }

    [Fact]
    public void An_entry_matches_only_at_an_index_the_log_holds_with_that_term()
    {
        var log = Log();

        Assert.True(log.MatchTerm(0, 0)); // the empty prefix always matches
        Assert.True(log.MatchTerm(3, 2));
        Assert.False(log.MatchTerm(3, 3));
        Assert.True(log.MatchTerm(5, 3));
        Assert.False(log.MatchTerm(6, 0)); // beyond the log, even with the term Term() answers there
        Assert.False(log.MatchTerm(6, 3));
    }

    [Theory]
    [InlineData(5, 3, true)] // the same last entry
    [InlineData(9, 3, true)] // the same last term, longer
    [InlineData(4, 3, false)] // the same last term, shorter
    [InlineData(1, 4, true)] // a later last term wins whatever the length
    [InlineData(9, 2, false)] // an earlier last term loses whatever the length
    public void A_log_is_at_least_as_up_to_date_by_its_last_term_then_by_its_length(long lastIndex, long lastTerm, bool upToDate)
    {
        Assert.Equal(upToDate, Log().IsUpToDate(lastIndex, lastTerm));
    }

    [Fact]
    public void The_commit_index_only_moves_forward_and_never_past_the_last_entry()
    {
        var log = Log(commit: 2);
        Assert.Equal(2, log.Committed);

        log.CommitTo(1);
        Assert.Equal(2, log.Committed);
        log.CommitTo(5);
        Assert.Equal(5, log.Committed);
        var beyond = Assert.Throws<InvalidOperationException>(() => log.CommitTo(6));
        Assert.Contains("beyond the last index 5", beyond.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_applied_index_stays_between_its_last_value_and_the_commit_index()
    {
        var log = Log(commit: 4);

        log.AppliedTo(2);
        Assert.Equal(2, log.Applied);
        log.AppliedTo(4);
        Assert.Equal(4, log.Applied);
        Assert.Throws<InvalidOperationException>(() => log.AppliedTo(5));
        Assert.Throws<InvalidOperationException>(() => log.AppliedTo(3));
    }

    [Fact]
    public void No_entry_is_ever_appended_over_a_committed_one()
    {
        var log = Log(commit: 3);

        var refused = Assert.Throws<InvalidOperationException>(() => log.Append([Entry.Normal(3, 4, Logs.Payload("x"))]));
        Assert.Contains("would overwrite committed index 3", refused.Message, StringComparison.Ordinal);
        log.Append([Entry.Normal(4, 4, Logs.Payload("y"))]);
        Assert.Equal((4L, 4L), (log.LastIndex, log.LastTerm));
    }

    [Fact]
    public void The_conflict_hint_is_the_last_index_at_or_below_the_one_asked_whose_term_is_not_later()
    {
        var log = Log();

        Assert.Equal((5L, 3L), log.FindConflictByTerm(5, 3));
        Assert.Equal((3L, 2L), log.FindConflictByTerm(5, 2));
        Assert.Equal((2L, 1L), log.FindConflictByTerm(4, 1));
        Assert.Equal((0L, 0L), log.FindConflictByTerm(5, 0));
        Assert.Equal((5L, 3L), log.FindConflictByTerm(9, 4)); // asked beyond the log: from its last entry
    }

    [Fact]
    public void Entries_are_sliced_within_a_byte_budget_but_at_least_one_at_a_time()
    {
        var log = Log();
        var size = log.EntriesFrom(1, long.MaxValue)[0].Size;

        Assert.Equal(5, log.EntriesFrom(1, long.MaxValue).Count);
        Assert.Equal([1L, 2L], log.EntriesFrom(1, (2 * size) + 1).Select(e => e.Index));
        Assert.Equal([4L], log.EntriesFrom(4, 1).Select(e => e.Index));
        Assert.Empty(log.EntriesFrom(6, long.MaxValue));

        // The same across the entries not yet persisted.
        log.Append([Entry.Normal(6, 3, Logs.Payload("6@3"))]);
        Assert.Equal([5L, 6L], log.EntriesFrom(5, 2 * size).Select(e => e.Index));
        Assert.Equal([5L], log.EntriesFrom(5, (2 * size) - 1).Select(e => e.Index));
        Assert.Equal([6L], log.EntriesFrom(6, 1).Select(e => e.Index));
    }
    [Fact]
    public void Nothing_is_applied_until_something_is_committed_past_the_applied_index()
    {
        var log = Log(commit: 4);
        Assert.True(log.HasUnappliedCommits);

        log.AppliedTo(4);
        Assert.False(log.HasUnappliedCommits);
        log.AppliedTo(4); // applying the same index again is allowed and changes nothing
        Assert.Equal(4, log.Applied);
    }

    [Fact]
    public void An_applied_index_outside_the_window_is_refused_with_the_window_named()
    {
        var log = Log(commit: 4);
        log.AppliedTo(2);

        var refused = Assert.Throws<InvalidOperationException>(() => log.AppliedTo(1));

        Assert.Equal("Applied index 1 is outside [2, 4].", refused.Message);
    }

    [Fact]
    public void Appending_no_entries_changes_nothing()
    {
        var log = Log(commit: 5);

        log.Append([]);

        Assert.Equal((5L, 3L), (log.LastIndex, log.LastTerm));
        Assert.Empty(log.UnstableEntries);
    }

    [Fact]
    public void A_configuration_entry_that_does_not_decode_is_refused_naming_its_index()
    {
        var log = Log();

        var refused = Assert.Throws<InvalidOperationException>(() =>
            log.Append([new Entry(6, 3, EntryKind.Configuration, new byte[] { 0xFF })]));

        Assert.StartsWith("Configuration entry 6 does not decode: ", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_counts_as_stable_only_below_the_first_entry_being_replaced()
    {
        // The leader counts its own log towards a majority only up to what is durable and not being overwritten.
        var log = Log();
        Assert.Equal(5, log.StableLastIndex);

        log.Append([Entry.Normal(6, 3, Logs.Payload("6@3"))]);
        Assert.Equal(5, log.StableLastIndex);

        log.Append([Entry.Normal(4, 4, Logs.Payload("4@4"))]);
        Assert.Equal(3, log.StableLastIndex);
    }

    [Fact]
    public void A_received_snapshot_replaces_the_log_until_it_is_durable()
    {
        // Raft Figure 13, rule 8: the log now starts after the snapshot, and none of the old log counts as stable.
        var disk = Logs.Disk(3, [1, 1, 2, 3, 3]);
        disk.Compact(Snapshot.Create(2, 1, Configuration.Bootstrap([0, 1, 2]), []));
        var log = new RaftLog(disk, applied: 0, Configuration.Bootstrap([0, 1, 2]));
        Assert.Equal(2, log.Snapshot!.Index);
        var received = Snapshot.Create(10, 4, Configuration.Bootstrap([0, 1, 2]), []);

        log.Restore(received);

        Assert.Same(received, log.Snapshot);
        Assert.Same(received, log.UnstableSnapshot);
        Assert.Equal((11L, 10L, 4L), (log.FirstIndex, log.LastIndex, log.Term(10)));
        Assert.Equal((10L, 10L), (log.Committed, log.Applied));
        Assert.Equal(0, log.StableLastIndex);

        log.SnapshotStable(received);
        Assert.Null(log.UnstableSnapshot);
    }
}

using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>
/// MemoryStorage against the IRaftLogStorage contract: terms and entries are answered for what is held and refused with
/// an error naming the range otherwise; appends and compactions keep the log contiguous; an installed snapshot replaces it.
/// </summary>
public sealed class MemoryStorageTests
{
    [Fact]
    public void The_term_is_answered_from_the_snapshots_index_to_the_last_entry_and_refused_elsewhere()
    {
        var storage = Compacted(); // holds 4..6 after a snapshot at 3

        Assert.Equal(0, storage.Term(0));
        Assert.Equal(2, storage.Term(3));
        Assert.Equal(3, storage.Term(6));
        foreach (var index in new long[] { 2, 7 })
        {
            var refused = Assert.Throws<ArgumentOutOfRangeException>(() => storage.Term(index));
            Assert.StartsWith("No entry at this index (the log holds 4..6).", refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Entries_are_answered_for_any_range_within_the_log_and_an_empty_range_has_none()
    {
        var storage = Compacted();

        Assert.Equal([4, 5, 6], storage.Entries(4, 7, long.MaxValue).Select(e => e.Index));
        Assert.Empty(storage.Entries(4, 4, long.MaxValue));
        Assert.Empty(storage.Entries(7, 7, long.MaxValue)); // just past the last entry: where a leader's next append goes
    }

    [Theory]
    [InlineData(3, 5)]
    [InlineData(5, 8)]
    [InlineData(6, 5)]
    public void A_range_reaching_outside_the_log_or_reversed_is_refused_with_an_error_naming_both(long low, long high)
    {
        var storage = Compacted();

        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => storage.Entries(low, high, long.MaxValue));

        Assert.StartsWith($"[{low}, {high}) is outside [4, 7).", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Entries_stop_once_their_size_passes_the_limit_but_always_include_one()
    {
        var storage = Compacted(); // three-byte payloads ("4@2"): 27 bytes an entry

        Assert.Equal(2, storage.Entries(4, 7, maxBytes: 54).Count); // exactly filling the limit does not pass it
        Assert.Single(storage.Entries(4, 7, maxBytes: 53));
        Assert.Single(storage.Entries(4, 7, maxBytes: 0));
    }

    [Fact]
    public void An_append_replaces_the_entries_from_its_first_index_on_with_their_control_entries()
    {
        // §5.3: a conflicting suffix goes, and with it any configuration in it (dissertation §4.1: a node uses the
        // latest configuration in its log, so a replaced one must not be found at start-up).
        var storage = new MemoryStorage();
        storage.Append([Entry.Normal(1, 1, Logs.Payload("a")), Entry.ForConfiguration(2, 1, Configuration.Bootstrap([0, 1])), Entry.ForTruncation(3, 1, 1)]);
        Assert.Equal([2, 3], storage.ControlEntryIndexes);

        storage.Append([Entry.Normal(2, 2, Logs.Payload("b"))]);

        Assert.Equal(2, storage.LastIndex);
        Assert.Equal(2, storage.Term(2));
        Assert.Empty(storage.ControlEntryIndexes);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    public void An_append_that_would_leave_a_gap_or_rewrite_compacted_entries_is_refused(long first)
    {
        var storage = Compacted();

        var refused = Assert.Throws<ArgumentException>(() => storage.Append([Entry.Normal(first, 3, Logs.Payload("x"))]));

        Assert.StartsWith($"Entry {first} is outside [4, 7].", refused.Message, StringComparison.Ordinal);
        Assert.Equal((4, 6), (storage.FirstIndex, storage.LastIndex));
    }

    [Fact]
    public void Compacting_again_at_the_snapshots_own_index_keeps_every_entry_and_takes_the_new_snapshot()
    {
        // The snapshot's index is one the log answers a term for, so the host may snapshot its state there again.
        var storage = Compacted();
        var again = Snapshot.Create(3, 2, Configuration.Bootstrap([0, 1, 2]), "newer"u8);

        storage.Compact(again);

        Assert.Equal((4, 6), (storage.FirstIndex, storage.LastIndex));
        Assert.Same(again, storage.Snapshot);
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(7, 3)]
    [InlineData(5, 9)]
    public void Compacting_at_an_entry_not_held_or_with_another_term_is_refused(long index, long term)
    {
        var storage = Compacted();

        var refused = Assert.Throws<ArgumentException>(() => storage.Compact(Snapshot.Create(index, term, Configuration.Bootstrap([0, 1, 2]), [])));

        Assert.Equal("snapshot", refused.ParamName);
        Assert.StartsWith($"Snapshot {index} (term {term}) is not an entry of [4, 6].", refused.Message, StringComparison.Ordinal);
        Assert.Equal((4, 6), (storage.FirstIndex, storage.LastIndex));
    }

    [Fact]
    public void Compacting_or_installing_needs_a_snapshot_and_without_one_the_log_is_untouched()
    {
        var storage = Compacted();

        Assert.Equal("snapshot", Assert.Throws<ArgumentNullException>(() => storage.Compact(null!)).ParamName);
        Assert.Equal("snapshot", Assert.Throws<ArgumentNullException>(() => storage.InstallSnapshot(null!)).ParamName);
        Assert.Equal((4, 6, 3L), (storage.FirstIndex, storage.LastIndex, storage.Snapshot?.Index));
    }

    [Fact]
    public void Installing_a_snapshot_replaces_the_log_and_raises_the_commit_index_to_it_but_never_lowers_it()
    {
        // Figure 13: the snapshot's entries are committed; a commit index never goes back (§5.3).
        var storage = Compacted();
        storage.SetHardState(new HardState(4, 1, Commit: 5));

        storage.InstallSnapshot(Snapshot.Create(10, 4, Configuration.Bootstrap([0, 1, 2]), []));

        Assert.Equal((11, 10, 4L), (storage.FirstIndex, storage.LastIndex, storage.Term(10)));
        Assert.Empty(storage.ControlEntryIndexes);
        Assert.Equal(new HardState(4, 1, Commit: 10), storage.HardState);

        storage.SetHardState(storage.HardState with { Commit = 20 });
        storage.InstallSnapshot(Snapshot.Create(15, 4, Configuration.Bootstrap([0, 1, 2]), []));
        Assert.Equal(20, storage.HardState.Commit);
    }

    /// <summary>Entries 1..6 with terms 1, 1, 2, 2, 3, 3, compacted up to 3: it holds 4..6.</summary>
    private static MemoryStorage Compacted()
    {
        var storage = Logs.Disk(term: 3, [1, 1, 2, 2, 3, 3]);
        storage.Compact(Snapshot.Create(3, 2, Configuration.Bootstrap([0, 1, 2]), []));
        return storage;
    }
}

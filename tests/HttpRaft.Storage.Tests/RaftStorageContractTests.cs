using HttpRaft.Consensus;
using static HttpRaft.Storage.Tests.DataDirectory;

namespace HttpRaft.Storage.Tests;

/// <summary>
/// The rules of <see cref="IRaftStorage"/> every storage keeps, stated once and run on each (a subclass per storage);
/// <see cref="SnapshotTests"/> holds the rules of compaction and install for both.
/// </summary>
public abstract class RaftStorageContractTests : IDisposable
{
    private static readonly Configuration Voters = Configuration.Bootstrap([1, 2, 3]);

    protected RaftStorageContractTests(IRaftStorage storage) => Storage = storage;

    protected IRaftStorage Storage { get; }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing && Storage is IDisposable disposable) disposable.Dispose();
    }

    [Fact]
    public void A_new_storage_holds_no_entry_no_snapshot_and_the_empty_hard_state()
    {
        Assert.Equal((1L, 0L), (Storage.FirstIndex, Storage.LastIndex));
        Assert.Null(Storage.Snapshot);
        Assert.Equal(HardState.Empty, Storage.HardState);
        Assert.Equal(0, Storage.Term(0));
        Assert.Empty(Storage.Entries(1, 1, long.MaxValue));
        Assert.Empty(Storage.ReadRange(0, 100));
        Assert.Empty(Storage.ControlEntryIndexes);
        Assert.Equal((1L, 0L, 0L), (Storage.Statistics.FirstIndex, Storage.Statistics.LastIndex, Storage.Statistics.SnapshotIndex));
    }

    [Fact]
    public void Save_appends_entries_after_the_last_and_replaces_the_hard_state()
    {
        Storage.Save(new HardState(2, 1, 0), [Entry.NoOp(1, 2), Entry.Normal(2, 2, "a"u8.ToArray())], sync: true);
        Storage.Save(new HardState(3, 0, 2), [Make(3, 3)], sync: false);

        Assert.Equal(new HardState(3, 0, 2), Storage.HardState);
        Assert.Equal((1L, 3L), (Storage.FirstIndex, Storage.LastIndex));
        Assert.Equal([2L, 2L, 3L], Storage.ReadRange(1, 4).Select(e => e.Term));
        Assert.True(Entry.Normal(2, 2, "a"u8.ToArray()).SameAs(Storage.ReadRange(2, 3).Single()));
        Assert.Equal((1L, 3L, 0L), (Storage.Statistics.FirstIndex, Storage.Statistics.LastIndex, Storage.Statistics.SnapshotIndex));
    }

    [Fact]
    public void Save_without_a_hard_state_keeps_the_one_saved_and_a_hard_state_alone_keeps_the_entries()
    {
        Storage.Save(new HardState(2, 1, 0), Range(1, 3, 2), sync: true);

        Storage.Save(null, [Make(4, 2)], sync: true);
        Assert.Equal(new HardState(2, 1, 0), Storage.HardState);

        Storage.Save(new HardState(2, 1, 4), [], sync: true);
        Assert.Equal(new HardState(2, 1, 4), Storage.HardState);
        Assert.Equal(4, Storage.LastIndex);
    }

    [Fact]
    public void Save_replaces_the_stored_entries_from_the_first_new_index_on()
    {
        Storage.Save(null, Range(1, 5, 1), sync: true);

        Storage.Save(null, [Make(3, 2, "replaced")], sync: true);

        Assert.Equal(3, Storage.LastIndex);
        Assert.Equal([Make(1, 1), Make(2, 1), Make(3, 2, "replaced")], Storage.ReadRange(1, 10), (a, b) => a.SameAs(b));
        Assert.Equal(2, Storage.Term(3));
    }

    [Fact]
    public void Save_from_the_first_index_replaces_the_whole_log_and_after_a_snapshot_everything_past_it()
    {
        Storage.Save(null, Range(1, 5, 1), sync: true);
        Storage.Save(null, Range(1, 2, 2), sync: true);
        Assert.Equal([2L, 2L], Storage.ReadRange(1, 10).Select(e => e.Term));

        Storage.Save(null, Range(3, 6, 2), sync: true);
        Storage.Compact(new Snapshot(2, 2, default));
        Storage.Save(null, Range(3, 4, 3), sync: true);

        Assert.Equal((3L, 4L), (Storage.FirstIndex, Storage.LastIndex));
        Assert.Equal([3L, 3L], Storage.ReadRange(1, 10).Select(e => e.Term));
    }

    [Fact]
    public void Save_refuses_a_null_list_of_entries_a_gap_after_the_last_and_entries_the_snapshot_covers_and_writes_nothing()
    {
        Storage.Save(null, Range(1, 5, 1), sync: true);
        Storage.Compact(new Snapshot(2, 1, default));

        var saved = Storage.HardState;

        Assert.Throws<ArgumentNullException>(() => Storage.Save(new HardState(2, 1, 5), null!, sync: true));
        Assert.Throws<ArgumentException>(() => Storage.Save(new HardState(2, 1, 5), [Make(7, 1)], sync: true));
        Assert.Throws<ArgumentException>(() => Storage.Save(new HardState(2, 1, 5), [Make(2, 1)], sync: true));
        Assert.Equal((3L, 5L), (Storage.FirstIndex, Storage.LastIndex));
        Assert.Equal(saved, Storage.HardState);
    }

    [Fact]
    public void Term_is_0_at_index_0_the_entry_term_where_one_is_stored_and_the_snapshot_term_just_before_the_first()
    {
        Storage.Save(null, [.. Range(1, 3, 1), .. Range(4, 6, 2), Make(7, 5)], sync: true);
        Assert.Equal([0L, 1L, 1L, 1L, 2L, 2L, 2L, 5L], Enumerable.Range(0, 8).Select(i => Storage.Term(i)));

        Storage.Compact(new Snapshot(4, 2, default));

        Assert.Equal((5L, 7L), (Storage.FirstIndex, Storage.LastIndex));
        Assert.Equal([2L, 2L, 2L, 5L], Enumerable.Range(4, 4).Select(i => Storage.Term(i)));
    }

    [Fact]
    public void Term_of_an_index_outside_the_log_throws_naming_that_index()
    {
        Storage.Save(null, Range(1, 6, 1), sync: true);
        Storage.Compact(new Snapshot(3, 1, default));

        foreach (var index in new long[] { 2, 7, 50 })
        {
            Assert.Equal(index, Assert.Throws<ArgumentOutOfRangeException>(() => Storage.Term(index)).ActualValue);
        }
    }

    [Fact]
    public void Entries_returns_the_range_asked_for_within_the_log_and_nothing_for_an_empty_range()
    {
        var saved = Range(1, 6, 1);
        Storage.Save(null, saved, sync: true);
        Storage.Compact(new Snapshot(2, 1, default));

        Assert.Equal(saved[2..], Storage.Entries(3, 7, long.MaxValue), (a, b) => a.SameAs(b));
        Assert.Equal(saved[3..5], Storage.Entries(4, 6, long.MaxValue), (a, b) => a.SameAs(b));
        Assert.Empty(Storage.Entries(7, 7, long.MaxValue));
        Assert.Empty(Storage.Entries(3, 3, long.MaxValue));
    }

    [Fact]
    public void Entries_below_the_first_index_past_the_last_or_with_low_above_high_throws()
    {
        Storage.Save(null, Range(1, 6, 1), sync: true);
        Storage.Compact(new Snapshot(2, 1, default));

        Assert.Throws<ArgumentOutOfRangeException>(() => Storage.Entries(2, 4, long.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => Storage.Entries(3, 8, long.MaxValue));
        // A byte limit that would stop before the end of the log does not make a range past it acceptable.
        Assert.Throws<ArgumentOutOfRangeException>(() => Storage.Entries(3, 8, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Storage.Entries(5, 4, long.MaxValue));
    }

    [Fact]
    public void Entries_stops_before_the_entry_that_would_pass_max_bytes_but_the_first_always_fits()
    {
        Entry[] saved = [Make(1, 1, "a"), Make(2, 1, "bbbbbbbb"), Make(3, 1, "cc"), Make(4, 1, "d")];
        Storage.Save(null, saved, sync: true);
        var firstTwo = saved[0].Size + saved[1].Size;

        Assert.Equal([1L, 2L], Indexes(Storage.Entries(1, 5, firstTwo)));
        Assert.Equal([1L], Indexes(Storage.Entries(1, 5, firstTwo - 1)));
        Assert.Equal([1L], Indexes(Storage.Entries(1, 5, 0)));
        var lastThree = saved[1].Size + saved[2].Size + saved[3].Size;
        Assert.Equal([2L, 3L, 4L], Indexes(Storage.Entries(2, 5, lastThree)));
        Assert.Equal([2L, 3L], Indexes(Storage.Entries(2, 5, lastThree - 1)));
        Assert.Equal(saved[1..], Storage.Entries(2, 5, long.MaxValue), (a, b) => a.SameAs(b));
    }

    [Fact]
    public void ReadRange_clips_the_range_to_the_entries_held_and_returns_nothing_outside_them()
    {
        Storage.Save(null, Range(1, 6, 1), sync: true);
        Storage.Compact(new Snapshot(2, 1, default));

        Assert.Equal([3L, 4L, 5L, 6L], Indexes(Storage.ReadRange(0, 100)));
        Assert.Equal([4L, 5L], Indexes(Storage.ReadRange(4, 6)));
        Assert.Equal([3L], Indexes(Storage.ReadRange(1, 4)));
        Assert.Empty(Storage.ReadRange(1, 3));
        Assert.Empty(Storage.ReadRange(7, 100));
        Assert.Empty(Storage.ReadRange(5, 5));
        Assert.Empty(Storage.ReadRange(6, 4));
        Assert.Empty(Storage.ReadRange(0, 0));
    }

    [Fact]
    public void ControlEntryIndexes_lists_configurations_and_truncations_in_order_and_no_other_kind()
    {
        Storage.Save(null, [Entry.NoOp(1, 1), Entry.ForConfiguration(2, 1, Voters), Make(3, 1), Entry.ForTruncation(4, 1, 2), Make(5, 1)], sync: true);
        Storage.Save(null, [Entry.ForConfiguration(6, 1, Voters)], sync: true);

        Assert.Equal([2L, 4L, 6L], Storage.ControlEntryIndexes);
    }

    [Fact]
    public void ControlEntryIndexes_forgets_the_control_entries_a_save_replaces()
    {
        Storage.Save(null, [Make(1, 1), Entry.ForConfiguration(2, 1, Voters), Make(3, 1), Entry.ForConfiguration(4, 1, Voters), Entry.ForTruncation(5, 1, 2)], sync: true);

        Storage.Save(null, [Make(4, 2), Make(5, 2)], sync: true);
        Assert.Equal([2L], Storage.ControlEntryIndexes);

        Storage.Save(null, [Make(3, 3), Entry.ForConfiguration(4, 3, Voters)], sync: true);
        Assert.Equal([2L, 4L], Storage.ControlEntryIndexes);
    }

    [Fact]
    public void ControlEntryIndexes_forgets_those_a_compaction_covers_and_keeps_those_after_it()
    {
        Storage.Save(null, [Make(1, 1), Entry.ForConfiguration(2, 1, Voters), Entry.ForConfiguration(3, 1, Voters), Entry.ForTruncation(4, 1, 2), Make(5, 1)], sync: true);

        Storage.Compact(new Snapshot(3, 1, default));

        Assert.Equal([4L], Storage.ControlEntryIndexes);
    }

    [Fact]
    public void An_install_leaves_no_control_entry_and_statistics_report_the_snapshot()
    {
        Storage.Save(new HardState(1, 1, 2), [Make(1, 1), Entry.ForConfiguration(2, 1, Voters), Entry.ForConfiguration(3, 1, Voters)], sync: true);

        Storage.InstallSnapshot(new Snapshot(9, 2, default));

        Assert.Empty(Storage.ControlEntryIndexes);
        Assert.Equal((10L, 9L, 9L), (Storage.Statistics.FirstIndex, Storage.Statistics.LastIndex, Storage.Statistics.SnapshotIndex));
    }

    [Fact]
    public void Compact_keeps_a_saved_commit_index_above_the_snapshot()
    {
        Storage.Save(new HardState(1, 2, 5), Range(1, 5, 1), sync: true);

        Storage.Compact(new Snapshot(3, 1, default));

        Assert.Equal(new HardState(1, 2, 5), Storage.HardState);
        Assert.Equal((4L, 5L, 3L), (Storage.Statistics.FirstIndex, Storage.Statistics.LastIndex, Storage.Statistics.SnapshotIndex));
    }

    [Fact]
    public void Compact_at_the_index_of_the_snapshot_held_replaces_its_data_and_keeps_every_entry()
    {
        Storage.Save(null, Range(1, 5, 1), sync: true);
        Storage.Compact(new Snapshot(3, 1, "old"u8.ToArray()));

        var replacement = new Snapshot(3, 1, "new"u8.ToArray());
        Storage.Compact(replacement);

        Assert.True(replacement.SameAs(Storage.Snapshot));
        Assert.Equal([4L, 5L], Indexes(Storage.ReadRange(1, 10)));
        Assert.Equal(1, Storage.Term(3));
    }

    private static IEnumerable<long> Indexes(IEnumerable<Entry> entries) => entries.Select(e => e.Index);
}

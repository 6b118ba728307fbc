namespace HttpRaft.Consensus.Tests;

/// <summary>
/// The entries a node appended but has not yet saved. A follower catching up can take half a million of them into one
/// batch; once they are saved, the list must not keep the memory they took (the endurance benchmark found a follower
/// holding a 21 MB array for good after one catch-up).
/// </summary>
public sealed class UnstableLogTests
{
    [Fact]
    public void Entries_made_stable_give_back_the_memory_a_burst_took()
    {
        var log = new UnstableLog(1);
        log.TruncateAndAppend(Entries(1, 500_000));
        Assert.True(log.Capacity >= 500_000);

        log.StableTo(500_000, 1);
        Assert.InRange(log.Capacity, 0, UnstableLog.RetainedCapacity);

        // It goes on as before.
        log.TruncateAndAppend(Entries(500_001, 500_010));
        Assert.Equal(500_010, log.LastIndex);
        Assert.Equal(500_001, log.Offset);
        Assert.Equal(1, log.Term(500_005));
    }

    [Fact]
    public void Entries_still_unstable_stay_when_the_list_shrinks()
    {
        var log = new UnstableLog(1);
        log.TruncateAndAppend(Entries(1, 100_000));

        log.StableTo(90_000, 1);

        Assert.Equal(10_000, log.Entries.Count);
        Assert.Equal(90_001, log.Entries[0].Index);
        Assert.Equal(100_000, log.LastIndex);
        Assert.InRange(log.Capacity, 10_000, 100_000 / 4);
    }

    [Fact]
    public void A_restored_snapshot_leaves_no_burst_behind()
    {
        var log = new UnstableLog(1);
        log.TruncateAndAppend(Entries(1, 200_000));

        log.Restore(new Snapshot(300_000, 2, ReadOnlyMemory<byte>.Empty));

        Assert.Empty(log.Entries);
        Assert.InRange(log.Capacity, 0, UnstableLog.RetainedCapacity);
    }

    [Fact]
    public void New_entries_that_start_inside_the_unstable_ones_replace_them_from_there_on()
    {
        // §5.3: a conflicting entry and all that follow it are replaced; the ones before it stay.
        var log = new UnstableLog(1);
        log.TruncateAndAppend(Entries(1, 5));

        log.TruncateAndAppend(Entries(3, 4, term: 2));

        Assert.Equal([(1L, 1L), (2L, 1L), (3L, 2L), (4L, 2L)], log.Entries.Select(e => (e.Index, e.Term)));
        Assert.Equal(1, log.Offset);
        Assert.Equal(4, log.LastIndex);
    }

    [Fact]
    public void New_entries_that_start_before_the_unstable_ones_replace_all_of_them()
    {
        // The host truncates storage from the first entry it is handed, so the unstable list starts there.
        var log = new UnstableLog(5);
        log.TruncateAndAppend(Entries(5, 7));

        log.TruncateAndAppend(Entries(3, 4, term: 2));

        Assert.Equal([(3L, 2L), (4L, 2L)], log.Entries.Select(e => (e.Index, e.Term)));
        Assert.Equal(3, log.Offset);
        Assert.Null(log.Term(5));
    }

    [Fact]
    public void Entries_replaced_while_they_were_being_saved_stay_unstable()
    {
        // The host saved entries 1..3 of term 1, but 2..3 were replaced by term 2 meanwhile: only what it saved is stable.
        var log = new UnstableLog(1);
        log.TruncateAndAppend(Entries(1, 3));
        log.TruncateAndAppend(Entries(2, 3, term: 2));

        log.StableTo(3, 1);

        Assert.Equal([1L, 2L, 3L], log.Entries.Select(e => e.Index));
        Assert.Equal(1, log.Offset);
    }

    [Fact]
    public void Saving_an_index_the_unstable_entries_do_not_hold_changes_nothing()
    {
        var log = new UnstableLog(1);
        log.TruncateAndAppend(Entries(1, 3));

        log.StableTo(4, 1);

        Assert.Equal(3, log.Entries.Count);
        Assert.Null(log.Term(4));
        Assert.Null(log.Term(0));
    }

    [Fact]
    public void A_list_at_most_the_retained_capacity_is_never_resized()
    {
        var log = new UnstableLog(1);
        log.TruncateAndAppend(Entries(1, 16));
        var capacity = log.Capacity;

        log.StableTo(16, 1);

        Assert.Equal(capacity, log.Capacity);
    }

    [Fact]
    public void A_large_list_keeps_its_capacity_while_at_least_a_quarter_of_it_is_in_use()
    {
        var log = new UnstableLog(1);
        log.TruncateAndAppend(Entries(1, 40_000));
        var capacity = log.Capacity;

        log.StableTo(30_000, 1); // exactly a quarter left
        Assert.Equal(capacity, log.Capacity);
        log.StableTo(30_001, 1); // under a quarter: shrinks to twice what is left
        Assert.Equal(2 * 9_999, log.Capacity);
    }

    private static Entry[] Entries(long first, long last, long term = 1) =>
        [.. Enumerable.Range(0, (int)(last - first + 1)).Select(i => Entry.Normal(first + i, term, ReadOnlyMemory<byte>.Empty))];
}

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

    private static Entry[] Entries(long first, long last) =>
        [.. Enumerable.Range(0, (int)(last - first + 1)).Select(i => Entry.Normal(first + i, 1, ReadOnlyMemory<byte>.Empty))];
}

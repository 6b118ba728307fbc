using HttpRaft.Consensus;
using HttpRaft.Storage;

namespace HttpRaft.Tests.Storage;

/// <summary>The placeholder storage keeps the write contract of a Ready and serves readers while the loop writes.</summary>
public sealed class InMemoryRaftStorageTests
{
    private readonly InMemoryRaftStorage storage = new();

    [Fact]
    public void Save_appends_entries_and_replaces_the_hard_state()
    {
        storage.Save(new HardState(2, 1, 0), [Entry.NoOp(1, 2), Entry.Normal(2, 2, "a"u8.ToArray())], sync: true);

        Assert.Equal(new HardState(2, 1, 0), storage.HardState);
        Assert.Equal(2, storage.LastIndex);
        Assert.Equal(2, storage.Term(2));
    }

    [Fact]
    public void Save_replaces_stored_entries_from_the_first_new_index_on()
    {
        storage.Save(null, [Entry.NoOp(1, 1), Entry.Normal(2, 1, default), Entry.Normal(3, 1, default)], sync: true);

        storage.Save(null, [Entry.NoOp(2, 2)], sync: true);

        Assert.Equal(2, storage.LastIndex);
        Assert.Equal([1L, 2L], storage.ReadRange(1, 10).Select(e => e.Term));
        Assert.Equal(HardState.Empty, storage.HardState);
    }

    [Fact]
    public void ReadRange_clips_to_what_is_stored()
    {
        storage.Save(null, [Entry.NoOp(1, 1), Entry.Normal(2, 1, default)], sync: false);

        Assert.Equal([1L, 2L], storage.ReadRange(0, 100).Select(e => e.Index));
        Assert.Empty(storage.ReadRange(3, 100));
        Assert.Empty(storage.ReadRange(2, 2));
    }

    [Fact]
    public async Task Readers_see_a_consistent_prefix_while_the_loop_appends()
    {
        using var done = new CancellationTokenSource();
        var reading = new TaskCompletionSource();
        var reader = Task.Run(() =>
        {
            var reads = 0;
            while (!done.IsCancellationRequested)
            {
                reading.TrySetResult();
                var entries = storage.ReadRange(1, long.MaxValue);
                for (var i = 0; i < entries.Count; i++) Assert.Equal(i + 1, entries[i].Index);
                reads++;
            }
            return reads;
        });

        await reading.Task;
        for (var index = 1; index <= 2000; index++) storage.Save(new HardState(1, 0, index - 1), [Entry.Normal(index, 1, default)], sync: true);
        await done.CancelAsync();

        Assert.True(await reader > 0);
        Assert.Equal(2000, storage.LastIndex);
    }
}

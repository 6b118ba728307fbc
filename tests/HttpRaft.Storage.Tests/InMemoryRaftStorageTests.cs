using HttpRaft.Consensus;

namespace HttpRaft.Storage.Tests;

/// <summary>The placeholder storage keeps the contract of every storage, has no files, and serves readers while the loop writes.</summary>
public sealed class InMemoryRaftStorageTests() : RaftStorageContractTests(new InMemoryRaftStorage())
{
    [Fact]
    public void Segments_is_empty_because_there_are_no_files()
    {
        Storage.Save(null, DataDirectory.Range(1, 50, 1), sync: true);

        Assert.Empty(Storage.Segments());
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
                var entries = Storage.ReadRange(1, long.MaxValue);
                for (var i = 0; i < entries.Count; i++) Assert.Equal(i + 1, entries[i].Index);
                reads++;
            }
            return reads;
        });

        await reading.Task;
        for (var index = 1; index <= 2000; index++) Storage.Save(new HardState(1, 0, index - 1), [Entry.Normal(index, 1, default)], sync: true);
        await done.CancelAsync();

        Assert.True(await reader > 0);
        Assert.Equal(2000, Storage.LastIndex);
    }
}

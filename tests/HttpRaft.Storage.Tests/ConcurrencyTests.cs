using System.Text;
using HttpRaft.Consensus;
using static HttpRaft.Storage.Tests.DataDirectory;

namespace HttpRaft.Storage.Tests;

/// <summary>The lock file, group commit, and readers running beside the writer.</summary>
public sealed class ConcurrencyTests : IDisposable
{
    private readonly DataDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void A_second_open_of_a_locked_directory_fails_clearly()
    {
        using (var storage = dir.Open())
        {
            var e = Assert.Throws<DataDirectoryLockedException>(() => dir.Open());
            Assert.Contains(dir.Path, e.Message, StringComparison.Ordinal);
            Assert.Contains("LOCK", e.Message, StringComparison.Ordinal);
        }
        using var again = dir.Open();
    }

    [Fact]
    public void Each_synced_save_costs_exactly_one_fsync_whatever_its_size()
    {
        using var storage = dir.Open();
        storage.Save(new HardState(1, 0, 0), Range(1, 1, 1), sync: true); // creates the first segment (+1 directory sync)
        var index = 2L;
        foreach (var size in new[] { 1, 16, 256, 3 })
        {
            var before = storage.SyncCount;
            storage.Save(new HardState(1, 0, index - 1), Range(index, index + size - 1, 1), sync: true);
            index += size;
            Assert.Equal(before + 1, storage.SyncCount);
        }
        var unsynced = storage.SyncCount;
        storage.Save(new HardState(1, 0, index - 1), [], sync: false);
        storage.Save(null, Range(index, index + 9, 1), sync: false);
        Assert.Equal(unsynced, storage.SyncCount);
    }

    [Fact]
    public void Never_policy_issues_no_fsync()
    {
        using var storage = new FileRaftStorage(new StorageOptions { Directory = dir.Path, Fsync = FsyncPolicy.Never });
        storage.Save(new HardState(1, 0, 0), Range(1, 100, 1), sync: true);
        Assert.Equal(0, storage.SyncCount);
    }

    [Fact]
    public async Task Readers_see_only_whole_consecutive_entries_while_the_writer_appends_and_rolls()
    {
        using var storage = dir.Open(segmentBytes: 4096, cacheEntries: 64);
        const int total = 4000;
        using var done = new CancellationTokenSource();
        var errors = new List<string>();
        using var started = new CountdownEvent(2);

        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            var reads = 0;
            started.Signal();
            while (!done.IsCancellationRequested)
            {
                var last = storage.LastIndex;
                var low = Math.Max(1, last - 200 + r * 100);
                var page = storage.ReadRange(low, last + 1);
                for (var i = 0; i < page.Count; i++)
                {
                    var e = page[i];
                    if (e.Index != low + i || Encoding.UTF8.GetString(e.Data.Span) != $"entry {e.Index}")
                    {
                        lock (errors) errors.Add($"read {e.Index} at position {i} from {low}");
                    }
                }
                reads++;
            }
            return reads;
        })).ToList();

        Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
        var written = 0L;
        while (written < total)
        {
            var size = (int)Math.Min(1 + written % 17, total - written);
            storage.Save(new HardState(1, 0, written), Range(written + 1, written + size, 1), sync: false);
            written += size;
            if (written % 400 < size) Thread.Sleep(1); // let the readers interleave on a busy machine
        }
        await done.CancelAsync();
        var counts = await Task.WhenAll(readers);

        Assert.Empty(errors);
        Assert.All(counts, c => Assert.True(c > 0));
        Assert.Equal(total, storage.LastIndex);
        Assert.True(storage.SegmentCount > 1);
        Assert.Equal(total, storage.ReadRange(1, total + 1).Count);
    }

    [Fact]
    public async Task Readers_keep_reading_whole_entries_while_the_loop_compacts_installs_and_deletes_segments()
    {
        using var storage = dir.Open(segmentBytes: 512, cacheEntries: 16);
        const long total = 6000;
        using var done = new CancellationTokenSource();
        var errors = new List<string>();
        using var started = new CountdownEvent(3);

        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(() =>
        {
            var random = new Random(r);
            var reads = 0;
            started.Signal();
            while (!done.IsCancellationRequested)
            {
                try
                {
                    var first = storage.FirstIndex;
                    var low = first + random.Next(50);
                    var page = storage.ReadRange(low, low + 1 + random.Next(300));
                    for (var i = 0; i < page.Count; i++)
                    {
                        var e = page[i];
                        if (e.Index < low || (i > 0 && e.Index != page[i - 1].Index + 1) || Encoding.UTF8.GetString(e.Data.Span) != $"entry {e.Index}")
                        {
                            lock (errors) errors.Add($"read {e.Index} at position {i} from {low}");
                        }
                    }
                }
                catch (Exception e)
                {
                    lock (errors) errors.Add(e.ToString());
                }
                reads++;
            }
            return reads;
        })).ToList();

        Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
        var written = 0L;
        while (written < total)
        {
            var size = (int)Math.Min(1 + written % 13, total - written);
            storage.Save(new HardState(1, 0, written), Range(written + 1, written + size, 1), sync: false);
            written += size;
            if (written % 250 < size) storage.Compact(new StoredSnapshot(written - 100, 1, default));
            if (written % 2000 < size)
            {
                // A follower too far behind: everything goes, the log goes on after the snapshot.
                storage.InstallSnapshot(new StoredSnapshot(written + 50, 1, default));
                written += 50;
            }
            if (written % 400 < size) Thread.Sleep(1); // let the readers interleave on a busy machine
        }
        await done.CancelAsync();
        var counts = await Task.WhenAll(readers);

        Assert.Empty(errors);
        Assert.All(counts, c => Assert.True(c > 0));
        Assert.Equal(written, storage.LastIndex);
        Assert.InRange(storage.Statistics.OpenFiles, 1, 1 + FileRaftStorage.ReadHandles);
    }
}

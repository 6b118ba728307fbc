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
        using var readers = Readers.Start(2, (r, _) =>
        {
            var last = storage.LastIndex;
            var low = Math.Max(1, last - 200 + r * 100);
            var page = storage.ReadRange(low, last + 1);
            return Problems(page, low, exactlyFromLow: true);
        });

        var written = 0L;
        while (written < total)
        {
            var size = (int)Math.Min(1 + written % 17, total - written);
            storage.Save(new HardState(1, 0, written), Range(written + 1, written + size, 1), sync: false);
            written += size;
            if (written % 400 < size) Thread.Sleep(1); // let the readers interleave on a busy machine
        }
        await readers.StopAsync();

        Assert.Equal(total, storage.LastIndex);
        Assert.True(storage.SegmentCount > 1);
        Assert.Equal(total, storage.ReadRange(1, total + 1).Count);
    }

    [Fact]
    public async Task Readers_keep_reading_whole_entries_while_the_loop_compacts_installs_and_deletes_segments()
    {
        using var storage = dir.Open(segmentBytes: 512, cacheEntries: 16);
        const long total = 6000;
        using var readers = Readers.Start(3, (_, random) =>
        {
            // The first index may move on before the read: the page then starts later, or is empty, never wrong.
            var low = storage.FirstIndex + random.Next(50);
            return Problems(storage.ReadRange(low, low + 1 + random.Next(300)), low, exactlyFromLow: false);
        });

        var written = 0L;
        while (written < total)
        {
            var size = (int)Math.Min(1 + written % 13, total - written);
            storage.Save(new HardState(1, 0, written), Range(written + 1, written + size, 1), sync: false);
            written += size;
            if (written % 250 < size) storage.Compact(new Snapshot(written - 100, 1, default));
            if (written % 2000 < size)
            {
                // A follower too far behind: everything goes, the log goes on after the snapshot.
                storage.InstallSnapshot(new Snapshot(written + 50, 1, default));
                written += 50;
            }
            if (written % 400 < size) Thread.Sleep(1); // let the readers interleave on a busy machine
        }
        await readers.StopAsync();

        Assert.Equal(written, storage.LastIndex);
        Assert.InRange(storage.Statistics.OpenFiles, 1, 1 + FileRaftStorage.ReadHandles);
    }

    /// <summary>What is wrong with a page read from <paramref name="low"/>: entries out of order, or not the text written for them.</summary>
    private static IEnumerable<string> Problems(IReadOnlyList<Entry> page, long low, bool exactlyFromLow)
    {
        for (var i = 0; i < page.Count; i++)
        {
            var e = page[i];
            var expectedIndex = i > 0 ? page[i - 1].Index + 1 : exactlyFromLow ? low : Math.Max(low, e.Index);
            if (e.Index != expectedIndex || Encoding.UTF8.GetString(e.Data.Span) != $"entry {e.Index}")
            {
                yield return $"read {e.Index} at position {i} from {low}";
            }
        }
    }

    /// <summary>Threads that read in a loop beside the writer until stopped, collecting what they found wrong (exceptions included).</summary>
    private sealed class Readers : IDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly CountdownEvent started;
        private readonly List<string> errors = [];
        private readonly Task<int>[] tasks;

        private Readers(int count, Func<int, Random, IEnumerable<string>> readOnce)
        {
            started = new CountdownEvent(count);
            tasks = [.. Enumerable.Range(0, count).Select(r => Task.Run(() => Loop(r, readOnce)))];
            Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
        }

        /// <summary>Starts <paramref name="count"/> readers, each calling <paramref name="readOnce"/>(its number, its seeded random) in a loop; returns once all have begun.</summary>
        public static Readers Start(int count, Func<int, Random, IEnumerable<string>> readOnce) => new(count, readOnce);

        /// <summary>Stops the readers, then asserts that none found a problem and each read at least once.</summary>
        public async Task StopAsync()
        {
            await stop.CancelAsync();
            var reads = await Task.WhenAll(tasks);
            Assert.Empty(errors);
            Assert.All(reads, count => Assert.True(count > 0));
        }

        public void Dispose()
        {
            stop.Dispose();
            started.Dispose();
        }

        private int Loop(int reader, Func<int, Random, IEnumerable<string>> readOnce)
        {
            var random = new Random(reader);
            var reads = 0;
            started.Signal();
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    foreach (var problem in readOnce(reader, random)) Add(problem);
                }
                catch (Exception e)
                {
                    Add(e.ToString());
                }
                reads++;
            }
            return reads;
        }

        private void Add(string problem)
        {
            lock (errors) errors.Add(problem);
        }
    }
}

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
    public void An_open_that_fails_on_what_it_finds_releases_the_directory()
    {
        using (var storage = dir.Open()) storage.Save(new HardState(2, 0, 9), [Make(1, 1)], sync: true);

        // Were the lock kept, the second attempt would report the directory in use instead.
        Assert.Throws<StorageCorruptedException>(() => dir.Open());
        Assert.Throws<StorageCorruptedException>(() => dir.Open());
    }

    [Fact]
    public void The_lock_file_holds_the_owner_process_id_and_nothing_left_from_before()
    {
        File.WriteAllText(Path.Combine(dir.Path, "LOCK"), "a much longer line left by an earlier owner\n");

        using (dir.Open()) { }

        Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(Path.Combine(dir.Path, "LOCK")));
    }

    [Fact]
    public void A_disposed_storage_refuses_every_operation()
    {
        var storage = dir.Open();
        storage.Save(null, Range(1, 3, 1), sync: true);
        storage.Dispose();
        storage.Dispose();

        Assert.Throws<ObjectDisposedException>(() => storage.Save(null, [Make(4, 1)], sync: true));
        Assert.Throws<ObjectDisposedException>(() => storage.ReadRange(1, 4));
        Assert.Throws<ObjectDisposedException>(() => storage.Entries(1, 4, long.MaxValue));
        Assert.Throws<ObjectDisposedException>(() => storage.Segments());
        Assert.Throws<ObjectDisposedException>(() => storage.Compact(new Snapshot(2, 1, default)));
        Assert.Throws<ObjectDisposedException>(() => storage.InstallSnapshot(new Snapshot(9, 1, default)));
    }

    [Fact]
    public void A_synced_save_that_rolls_syncs_the_closed_segment_the_new_one_and_its_directory_then_the_save()
    {
        using var storage = dir.Open(segmentBytes: 128);
        var seen = new List<double>();
        storage.SyncTimed = seen.Add;

        // The first segment: its file and directory synced as it is created, then the save's own fsync.
        storage.Save(null, Range(1, 4, 1), sync: true);
        Assert.Equal((1, 3L, 1), (storage.SegmentCount, storage.SyncCount, seen.Count));

        storage.Save(null, Range(5, 5, 1), sync: true);

        Assert.Equal((2, 3L + 1 + 2 + 1, 3), (storage.SegmentCount, storage.SyncCount, seen.Count));
        Assert.All(seen, seconds => Assert.True(seconds >= 0));
    }

    [Fact]
    public void A_compaction_syncs_the_snapshot_file_and_directory_and_the_directory_once_per_deleted_segment()
    {
        using var storage = WrittenInSegments(commit: 20);
        var (segments, syncs) = (storage.SegmentCount, storage.SyncCount);

        // The commit index is the snapshot's already: no hard-state record is written.
        storage.Compact(new Snapshot(20, 1, default));

        Assert.Equal(1, storage.SegmentCount);
        Assert.Equal(syncs + 2 + (segments - 1), storage.SyncCount);
    }

    [Fact]
    public void A_compaction_below_the_commit_index_within_one_segment_costs_only_the_snapshot_syncs()
    {
        using var storage = dir.Open();
        storage.Save(new HardState(1, 0, 5), Range(1, 10, 1), sync: true);
        var syncs = storage.SyncCount;

        storage.Compact(new Snapshot(3, 1, default));

        Assert.Equal(syncs + 2, storage.SyncCount);
    }

    [Fact]
    public void An_install_syncs_the_snapshot_the_closed_segment_the_reset_segment_and_the_directory_per_deleted_segment()
    {
        using var storage = WrittenInSegments(commit: 5);
        var (segments, syncs) = (storage.SegmentCount, storage.SyncCount);

        storage.InstallSnapshot(new Snapshot(30, 2, default));

        // Snapshot file and directory, the closed segment, the reset segment and directory, then one per deletion;
        // the hard state is in the reset segment already, so it is not copied forward.
        Assert.Equal(1, storage.SegmentCount);
        Assert.Equal(syncs + 2 + 1 + 2 + segments, storage.SyncCount);
    }

    [Fact]
    public void Never_policy_issues_no_fsync_for_rolls_compactions_or_installs()
    {
        using var storage = dir.Open(segmentBytes: 128, fsync: FsyncPolicy.Never);
        var timed = 0;
        storage.SyncTimed = _ => timed++;
        foreach (var chunk in Range(1, 20, 1).Chunk(3)) storage.Save(new HardState(1, 0, chunk[0].Index), chunk, sync: true);
        storage.Compact(new Snapshot(10, 1, default));
        storage.InstallSnapshot(new Snapshot(30, 2, default));

        Assert.Equal((0L, 0), (storage.SyncCount, timed));
        Assert.Equal(FsyncPolicy.Never, storage.Fsync);
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
    /// <summary>Entries 1..20 synced three a save into segments of 128 bytes (one each), then a hard state with <paramref name="commit"/> in the last.</summary>
    private FileRaftStorage WrittenInSegments(long commit)
    {
        var storage = dir.Open(segmentBytes: 128);
        foreach (var chunk in Range(1, 20, 1).Chunk(3)) storage.Save(null, chunk, sync: true);
        storage.Save(new HardState(1, 0, commit), [], sync: true);
        Assert.True(storage.SegmentCount >= 5, $"{storage.SegmentCount} segments");
        return storage;
    }

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

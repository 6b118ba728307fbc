using HttpRaft.Consensus;

namespace HttpRaft.Storage.Tests;

/// <summary>Runs alone: it counts the whole process's open descriptors.</summary>
[CollectionDefinition(nameof(DescriptorCounting), DisableParallelization = true)]
public sealed class DescriptorCounting;

/// <summary>
/// A log of thousands of segments keeps a handful of them open (redpanda#2320 ran out of descriptors keeping every
/// segment open): the current one, and a bounded cache of read handles for the rest, whatever is read.
/// </summary>
[Collection(nameof(DescriptorCounting))]
public sealed class OpenFilesTests : IDisposable
{
    private const int Segments = 2000;
    private const int EntryBytes = 8 * 1024;

    /// <summary>Descriptors the runtime may open on its own meanwhile (it does not, but a test should not fail for it).</summary>
    private const int Slack = 4;

    private readonly DataDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Thousands_of_64_KiB_segments_keep_the_open_descriptors_bounded_while_every_segment_is_read()
    {
        using (dir.Open()) { } // the runtime's own descriptors for file I/O, opened once
        var baseline = OpenDescriptors();
        var bound = baseline + 1 /* LOCK */ + 1 /* current segment */ + FileRaftStorage.ReadHandles + Slack;
        var data = new byte[EntryBytes];
        long last;
        using (var storage = dir.Open(segmentBytes: StorageOptions.MinSegmentBytes, cacheEntries: 0, fsync: FsyncPolicy.Never))
        {
            // Eight 8 KiB entries fill a 64 KiB segment: one save per segment.
            for (var s = 0; s < Segments; s++)
            {
                storage.Save(null, [.. Enumerable.Range(s * 8 + 1, 8).Select(i => Entry.Normal(i, 1, data))], sync: false);
            }
            Assert.InRange(storage.SegmentCount, Segments, Segments + 1);
            Assert.InRange(OpenDescriptors(), baseline, bound);

            // One entry from every segment, in a seeded random order: each read may open a segment.
            var random = new Random(2320);
            foreach (var s in Enumerable.Range(0, Segments).OrderBy(_ => random.Next()))
            {
                var index = s * 8 + 1 + random.Next(8);
                Assert.Equal(index, storage.ReadRange(index, index + 1).Single().Index);
                Assert.InRange(storage.Statistics.OpenFiles, 1, 1 + FileRaftStorage.ReadHandles);
            }
            Assert.InRange(OpenDescriptors(), baseline, bound);
            last = storage.LastIndex;
        }
        Assert.InRange(OpenDescriptors(), 0, baseline + Slack);

        // Recovery reads every segment too, one at a time.
        using var reopened = dir.Open(segmentBytes: StorageOptions.MinSegmentBytes, cacheEntries: 0, fsync: FsyncPolicy.Never);
        Assert.Equal(last, reopened.LastIndex);
        Assert.InRange(OpenDescriptors(), baseline, bound);
    }

    [Fact]
    public void A_directory_sync_leaves_no_descriptor_open()
    {
        DirectorySync.Sync(dir.Path);
        var baseline = OpenDescriptors();

        for (var i = 0; i < 20; i++) DirectorySync.Sync(dir.Path);

        Assert.InRange(OpenDescriptors(), 0, baseline);
    }

    [Fact]
    public void A_directory_that_cannot_be_opened_fails_the_sync_naming_it()
    {
        var missing = Path.Combine(dir.Path, "missing");

        var e = Assert.Throws<IOException>(() => DirectorySync.Sync(missing));

        Assert.StartsWith($"cannot open directory {missing} to sync it", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shared_handle_closes_when_its_last_user_lets_go_and_takes_no_user_after()
    {
        var count = new OpenFileCount();
        var handle = new SharedHandle(File.OpenHandle(Path.Combine(dir.Path, "f"), FileMode.Create, FileAccess.ReadWrite), count);
        Assert.True(handle.TryAcquire());

        handle.Release(); // the owner lets go while a reader holds it
        Assert.Equal((1, false), (count.Value, handle.Handle.IsClosed));

        handle.Release();
        Assert.Equal((0, true), (count.Value, handle.Handle.IsClosed));
        Assert.False(handle.TryAcquire());
    }

    private static int OpenDescriptors() => Directory.GetFileSystemEntries("/proc/self/fd").Length;
}

using HttpRaft.Consensus;
using static HttpRaft.Storage.Tests.DataDirectory;

namespace HttpRaft.Storage.Tests;

/// <summary>
/// The file storage keeps the contract of every storage, reading from disk (no cache) across segments of a few
/// entries, and lists the segments that hold entries for a retention policy.
/// </summary>
public sealed class FileRaftStorageContractTests : RaftStorageContractTests
{
    private readonly DataDirectory dir;

    public FileRaftStorageContractTests()
        : this(new DataDirectory())
    {
    }

    private FileRaftStorageContractTests(DataDirectory dir)
        : base(dir.Open(segmentBytes: 128, cacheEntries: 0)) => this.dir = dir;

    [Fact]
    public void Segments_lists_each_segment_holding_entries_oldest_first_with_the_first_entry_it_holds_its_size_and_time()
    {
        var starts = new List<long>();
        for (var index = 1; index <= 20; index++)
        {
            var before = dir.Segments().Length;
            Storage.Save(null, [Make(index, 1)], sync: true);
            if (dir.Segments().Length > before) starts.Add(index);
        }
        Assert.True(starts.Count >= 3, $"the log spans {starts.Count} segments; the test needs several");

        AssertSegmentsAre(starts);

        Storage.Compact(new Snapshot(starts[1] + 1, 1, default));

        // The oldest segment left still holds the entry the snapshot ends at; it counts from the first entry held.
        AssertSegmentsAre([starts[1] + 2, .. starts[2..]]);
    }

    [Fact]
    public void Segments_is_empty_while_the_log_is_after_a_whole_log_compaction_or_an_install_until_entries_follow()
    {
        Storage.Save(null, Range(1, 10, 1), sync: true);

        // The segment holding the last entry stays (it is the current one) but holds no entry of the log now.
        Storage.Compact(new Snapshot(10, 1, default));
        Assert.Empty(Storage.Segments());

        Storage.InstallSnapshot(new Snapshot(30, 2, default));
        Assert.Empty(Storage.Segments());

        Storage.Save(null, [Make(31, 2)], sync: true);
        Assert.Equal(31, Assert.Single(Storage.Segments()).FirstIndex);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) dir.Dispose();
    }

    /// <summary>The summaries start at <paramref name="firstIndexes"/> and describe the segment files, in order.</summary>
    private void AssertSegmentsAre(IReadOnlyList<long> firstIndexes)
    {
        var summaries = Storage.Segments();
        var files = dir.Segments();
        Assert.Equal(firstIndexes, summaries.Select(s => s.FirstIndex));
        Assert.Equal(files.Select(path => new FileInfo(path).Length), summaries.Select(s => s.Bytes));
        Assert.Equal(files.Select(path => new DateTimeOffset(File.GetLastWriteTimeUtc(path))), summaries.Select(s => s.LastWritten));
    }
}

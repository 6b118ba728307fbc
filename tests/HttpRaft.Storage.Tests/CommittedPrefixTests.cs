using HttpRaft.Consensus;
using static HttpRaft.Storage.Tests.DataDirectory;

namespace HttpRaft.Storage.Tests;

/// <summary>
/// Opening refuses a log that has lost committed entries, which no checksum can see: whole records cut out of a
/// segment at record boundaries leave a log that ends before its saved commit index, and a hard state older than
/// the snapshot leaves a commit index below what the snapshot covers. (This check ran in the host's start-up guard
/// before the storage did it.)
/// </summary>
public sealed class CommittedPrefixTests : IDisposable
{
    private readonly DataDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void A_log_that_ends_before_its_saved_commit_index_does_not_open()
    {
        using (var storage = dir.Open()) storage.Save(new HardState(2, 0, 28), [Make(1, 1, "x")], sync: true);

        var e = Assert.Throws<StorageCorruptedException>(() => dir.Open());

        Assert.Equal(dir.Path, e.File);
        Assert.Equal($"corrupted log: {dir.Path} at offset 0: the log ends at entry 1 but its saved commit index is 28: committed entries are missing", e.Message);
    }

    [Fact]
    public void A_log_that_holds_its_commit_index_opens()
    {
        using (var storage = dir.Open()) storage.Save(new HardState(2, 0, 1), [Make(1, 1, "x")], sync: true);

        using var reopened = dir.Open();

        Assert.Equal(1, reopened.HardState.Commit);
    }

    [Fact]
    public void Records_cut_out_of_a_closed_segment_at_record_boundaries_are_caught_by_the_commit_index()
    {
        long cutFrom, cutTo;
        using (var storage = dir.Open())
        {
            storage.Save(new HardState(1, 0, 0), Range(1, 5, 1), sync: true);
            cutFrom = new FileInfo(dir.Segments()[0]).Length;
            storage.Save(null, Range(6, 8, 1), sync: true);
            cutTo = new FileInfo(dir.Segments()[0]).Length;
            storage.Save(new HardState(1, 0, 8), [], sync: true);
        }
        // Entries 6..8 removed whole: every record left passes its checksum.
        var bytes = File.ReadAllBytes(dir.Segments()[0]);
        File.WriteAllBytes(dir.Segments()[0], [.. bytes[..(int)cutFrom], .. bytes[(int)cutTo..]]);

        var e = Assert.Throws<StorageCorruptedException>(() => dir.Open());

        Assert.Contains("the log ends at entry 5 but its saved commit index is 8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_log_compacted_to_its_commit_index_and_emptied_opens()
    {
        using (var storage = dir.Open())
        {
            storage.Save(new HardState(1, 0, 10), Range(1, 10, 1), sync: true);
            storage.Compact(new Snapshot(10, 1, default));
        }

        using var reopened = dir.Open();

        Assert.Equal((11L, 10L, 10L), (reopened.FirstIndex, reopened.LastIndex, reopened.HardState.Commit));
    }

    [Fact]
    public void A_snapshot_beyond_the_saved_commit_index_does_not_open()
    {
        using (var storage = dir.Open())
        {
            storage.Save(new HardState(1, 0, 10), Range(1, 10, 1), sync: true);
            storage.Compact(new Snapshot(8, 1, default));
            // A hard state older than the snapshot (what losing the newer hard-state records would leave).
            storage.Save(new HardState(1, 0, 5), [], sync: true);
        }

        var e = Assert.Throws<StorageCorruptedException>(() => dir.Open());

        Assert.Equal(dir.Path, e.File);
        Assert.Contains("the snapshot covers entries up to 8 but the saved commit index is 5", e.Message, StringComparison.Ordinal);
    }
}

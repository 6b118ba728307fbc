using HttpRaft.Consensus;
using static HttpRaft.Storage.Tests.DataDirectory;

namespace HttpRaft.Storage.Tests;

/// <summary>Which storage a contract test runs on.</summary>
public enum StorageKind
{
    File,
    Memory,
}

/// <summary>
/// The rules of a log that starts after a snapshot, the same for both storages: <see cref="IRaftStorage.Compact"/>
/// keeps what follows the snapshot, <see cref="IRaftStorage.InstallSnapshot"/> keeps nothing, and every read answers
/// for [FirstIndex, LastIndex] with Term(FirstIndex - 1) the snapshot's term.
/// </summary>
public sealed class SnapshotTests : IDisposable
{
    /// <summary>Three or four entries a segment: a log of 20 spans several.</summary>
    private const long SegmentBytes = 128;

    private readonly DataDirectory dir = new();
    private readonly List<IDisposable> opened = [];

    public static TheoryData<StorageKind> BothStorages { get; } = [StorageKind.File, StorageKind.Memory];

    public void Dispose()
    {
        foreach (var storage in opened) storage.Dispose();
        dir.Dispose();
    }

    [Theory]
    [MemberData(nameof(BothStorages))]
    public void Compact_moves_the_first_index_past_the_snapshot_and_keeps_what_follows(StorageKind kind)
    {
        var storage = OpenWritten(kind, out var entries);
        var snapshot = new Snapshot(12, 2, "state at 12"u8.ToArray());

        storage.Compact(snapshot);

        Assert.Equal(13, storage.FirstIndex);
        Assert.Equal(20, storage.LastIndex);
        Assert.True(snapshot.SameAs(storage.Snapshot));
        Assert.Equal(2, storage.Term(12));
        Assert.Equal(entries[12].Term, storage.Term(13));
        Assert.Throws<ArgumentOutOfRangeException>(() => storage.Term(11));
        Assert.Throws<ArgumentOutOfRangeException>(() => storage.Entries(12, 14, long.MaxValue));
        Assert.Equal(entries[12..], storage.Entries(13, 21, long.MaxValue), (a, b) => a.SameAs(b));
        Assert.Equal(entries[12..], storage.ReadRange(1, 100), (a, b) => a.SameAs(b));
        Assert.Empty(storage.ReadRange(1, 13));
        Assert.Equal((13L, 20L, 12L), (storage.Statistics.FirstIndex, storage.Statistics.LastIndex, storage.Statistics.SnapshotIndex));
    }

    [Theory]
    [MemberData(nameof(BothStorages))]
    public void Compacting_the_whole_log_leaves_it_empty_and_the_next_entry_follows_the_snapshot(StorageKind kind)
    {
        var storage = OpenWritten(kind, out _);

        storage.Compact(new Snapshot(20, 3, "all"u8.ToArray()));

        Assert.Equal((21L, 20L), (storage.FirstIndex, storage.LastIndex));
        Assert.Equal(3, storage.Term(20));
        Assert.Empty(storage.ReadRange(1, 100));
        Assert.Throws<ArgumentException>(() => storage.Save(null, [Make(20, 3)], sync: true));
        Assert.Throws<ArgumentException>(() => storage.Save(null, [Make(22, 3)], sync: true));
        storage.Save(null, [Make(21, 3)], sync: true);
        Assert.True(Make(21, 3).SameAs(storage.ReadRange(1, 100).Single()));
    }

    [Theory]
    [MemberData(nameof(BothStorages))]
    public void Compact_refuses_a_snapshot_past_the_last_entry_older_than_the_one_held_or_of_another_term(StorageKind kind)
    {
        var storage = OpenWritten(kind, out _);
        storage.Compact(new Snapshot(10, 2, "ten"u8.ToArray()));

        Assert.Throws<ArgumentOutOfRangeException>(() => storage.Compact(new Snapshot(21, 3, default)));
        Assert.Throws<ArgumentException>(() => storage.Compact(new Snapshot(9, 2, default)));
        Assert.Throws<ArgumentException>(() => storage.Compact(new Snapshot(15, 1, default)));
        Assert.Throws<ArgumentException>(() => storage.Compact(new Snapshot(10, 1, default)));
        Assert.Equal(11, storage.FirstIndex);
        Assert.Equal(10, storage.Snapshot!.Index);
    }

    [Theory]
    [MemberData(nameof(BothStorages))]
    public void Compact_raises_a_lower_saved_commit_index_to_the_snapshot_and_keeps_term_and_vote(StorageKind kind)
    {
        var storage = OpenWritten(kind, out _);
        storage.Save(new HardState(3, 2, 5), [], sync: true);

        storage.Compact(new Snapshot(15, 3, default));

        Assert.Equal(new HardState(3, 2, 15), storage.HardState);
    }

    [Theory]
    [MemberData(nameof(BothStorages))]
    public void InstallSnapshot_discards_every_entry_and_the_log_continues_after_the_snapshot(StorageKind kind)
    {
        var storage = OpenWritten(kind, out _);
        storage.Save(new HardState(4, 1, 7), [], sync: true);
        var snapshot = new Snapshot(50, 4, "leader's state at 50"u8.ToArray());

        storage.InstallSnapshot(snapshot);

        Assert.Equal((51L, 50L), (storage.FirstIndex, storage.LastIndex));
        Assert.True(snapshot.SameAs(storage.Snapshot));
        Assert.Equal(4, storage.Term(50));
        Assert.Empty(storage.ReadRange(1, 100));
        Assert.Equal(new HardState(4, 1, 50), storage.HardState);
        Assert.Throws<ArgumentException>(() => storage.Save(null, [Make(52, 4)], sync: true));
        storage.Save(null, [Make(51, 4)], sync: true);
        Assert.Equal(51, storage.LastIndex);
    }

    [Theory]
    [MemberData(nameof(BothStorages))]
    public void InstallSnapshot_below_the_entries_held_still_discards_them_all(StorageKind kind)
    {
        var storage = OpenWritten(kind, out _);
        storage.Save(new HardState(4, 1, 6), [], sync: true);

        // Whether to keep what follows a matching entry is the core's decision (it would call Compact).
        storage.InstallSnapshot(new Snapshot(8, 9, default));

        Assert.Equal((9L, 8L), (storage.FirstIndex, storage.LastIndex));
        Assert.Equal(9, storage.Term(8));
        storage.Save(null, [Make(9, 9)], sync: true);
        Assert.Equal(9, storage.Term(9));
    }

    [Theory]
    [MemberData(nameof(BothStorages))]
    public void InstallSnapshot_refuses_to_discard_committed_entries(StorageKind kind)
    {
        var storage = OpenWritten(kind, out _);
        storage.Save(new HardState(4, 1, 12), [], sync: true);

        Assert.Throws<ArgumentException>(() => storage.InstallSnapshot(new Snapshot(11, 2, default)));
        Assert.Equal((1L, 20L), (storage.FirstIndex, storage.LastIndex));
    }

    [Theory]
    [MemberData(nameof(BothStorages))]
    public void A_later_compaction_replaces_the_snapshot(StorageKind kind)
    {
        var storage = OpenWritten(kind, out var entries);
        storage.Compact(new Snapshot(5, 1, "five"u8.ToArray()));

        var later = new Snapshot(17, entries[16].Term, "seventeen"u8.ToArray());
        storage.Compact(later);

        Assert.True(later.SameAs(storage.Snapshot));
        Assert.Equal(18, storage.FirstIndex);
        Assert.Equal(entries[17..], storage.ReadRange(1, 100), (a, b) => a.SameAs(b));
    }

    [Fact]
    public void A_compacted_log_reopens_with_its_first_index_snapshot_and_the_entries_that_straddle_the_cut()
    {
        Entry[] entries;
        var snapshot = new Snapshot(11, 2, "state at 11"u8.ToArray());
        using (var storage = dir.Open(segmentBytes: SegmentBytes, cacheEntries: 0))
        {
            entries = Written(storage);
            Assert.True(storage.SegmentCount >= 4, $"{storage.SegmentCount} segments");
            storage.Compact(snapshot);
        }
        // Saves of three entries: the segment holding entry 12 also holds 10 and 11. It stays; those before it are gone.
        Assert.Equal(10, SegmentHeader.Read(dir.Segments()[0]).BaseIndex);

        using var reopened = dir.Open(segmentBytes: SegmentBytes, cacheEntries: 0);
        Assert.Equal((12L, 20L), (reopened.FirstIndex, reopened.LastIndex));
        Assert.True(snapshot.SameAs(reopened.Snapshot));
        Assert.Equal(2, reopened.Term(11));
        Assert.Equal(entries[11..], reopened.ReadRange(1, 100), (a, b) => a.SameAs(b));
        Assert.Equal(new HardState(3, 1, 20), reopened.HardState);
        Assert.Equal(dir.Segments().Length, reopened.SegmentCount);
        Assert.Empty(dir.Log.Warnings);
    }

    [Fact]
    public void Entries_rewritten_in_a_later_segment_reopen_after_the_segments_before_it_are_deleted()
    {
        var rewrite = new[] { Make(12, 2, "new 12"), Make(13, 2, "new 13") };
        using (var storage = dir.Open(segmentBytes: SegmentBytes))
        {
            foreach (var chunk in Range(1, 20, 1).Chunk(3)) storage.Save(new HardState(1, 0, 11), chunk, sync: true);
            // A new leader replaces the uncommitted 12..20: the records go to a segment started after entry 20.
            storage.Save(new HardState(2, 0, 13), rewrite, sync: true);
            storage.Compact(new Snapshot(12, 2, default));
            Assert.Equal(21, SegmentHeader.Read(dir.Segments().Single()).BaseIndex);
        }

        using var reopened = dir.Open(segmentBytes: SegmentBytes);

        Assert.Equal((13L, 13L), (reopened.FirstIndex, reopened.LastIndex));
        Assert.True(rewrite[1].SameAs(reopened.ReadRange(1, 100).Single()));
    }

    [Fact]
    public void An_installed_snapshot_reopens_as_an_empty_log_after_it()
    {
        var snapshot = new Snapshot(50, 4, "installed"u8.ToArray());
        using (var storage = dir.Open(segmentBytes: SegmentBytes))
        {
            Written(storage);
            storage.InstallSnapshot(snapshot);
        }
        Assert.Equal("snapshot-00000000000000000050.snap", Path.GetFileName(dir.Snapshots().Single()));
        Assert.Equal(new SegmentHeader(SegmentHeader.CurrentFormat, SegmentHeader.Bytes, 51, Reset: true), SegmentHeader.Read(dir.Segments().Single()));

        using var reopened = dir.Open(segmentBytes: SegmentBytes);
        Assert.Equal((51L, 50L), (reopened.FirstIndex, reopened.LastIndex));
        Assert.True(snapshot.SameAs(reopened.Snapshot));
        Assert.Equal(new HardState(3, 1, 50), reopened.HardState);
        reopened.Save(null, [Make(51, 4)], sync: true);
    }

    [Fact]
    public void Only_the_newest_snapshot_file_is_kept()
    {
        using var storage = dir.Open(segmentBytes: SegmentBytes);
        var entries = Written(storage);
        storage.Compact(new Snapshot(5, 1, "five"u8.ToArray()));
        Assert.Equal(["snapshot-00000000000000000005.snap"], dir.Snapshots().Select(Path.GetFileName));

        storage.Compact(new Snapshot(9, entries[8].Term, "nine"u8.ToArray()));

        Assert.Equal(["snapshot-00000000000000000009.snap"], dir.Snapshots().Select(Path.GetFileName));
    }

    [Fact]
    public void The_hard_state_survives_the_deletion_of_the_segment_that_held_it()
    {
        using (var storage = dir.Open(segmentBytes: SegmentBytes))
        {
            // The only hard-state record goes to the first segment; the entries after it fill several more.
            storage.Save(new HardState(7, 2, 60), Range(1, 5, 1), sync: true);
            foreach (var chunk in Range(6, 100, 1).Chunk(5)) storage.Save(null, chunk, sync: true);
            storage.Compact(new Snapshot(50, 1, default));
            Assert.DoesNotContain(dir.Segments(), path => path.EndsWith("wal-0000000000000001.seg", StringComparison.Ordinal));
        }
        using var reopened = dir.Open(segmentBytes: SegmentBytes);
        Assert.Equal(new HardState(7, 2, 60), reopened.HardState);
    }

    [Fact]
    public void Compacting_again_at_the_snapshot_index_replaces_its_data_in_the_same_file()
    {
        using (var storage = dir.Open(segmentBytes: SegmentBytes))
        {
            Written(storage);
            storage.Compact(new Snapshot(12, 2, "first"u8.ToArray()));

            storage.Compact(new Snapshot(12, 2, "second"u8.ToArray()));

            Assert.Equal(13, storage.FirstIndex);
            Assert.Equal(["snapshot-00000000000000000012.snap"], dir.Snapshots().Select(Path.GetFileName));
        }
        using var reopened = dir.Open(segmentBytes: SegmentBytes);
        Assert.True(new Snapshot(12, 2, "second"u8.ToArray()).SameAs(reopened.Snapshot));
    }

    [Fact]
    public void A_compaction_after_an_install_deletes_the_segments_below_it_the_install_segment_included()
    {
        using var storage = dir.Open(segmentBytes: SegmentBytes);
        Written(storage);
        storage.InstallSnapshot(new Snapshot(30, 4, default));
        foreach (var chunk in Range(31, 50, 4).Chunk(3)) storage.Save(null, chunk, sync: true);
        var installSegment = dir.Segments()[0];

        storage.Compact(new Snapshot(48, 4, default));

        Assert.DoesNotContain(installSegment, dir.Segments());
        Assert.Equal(49, storage.FirstIndex);
        Assert.Equal(Range(49, 50, 4), storage.ReadRange(1, 100), (a, b) => a.SameAs(b));
        Assert.Equal(dir.Segments().Length, storage.SegmentCount);
        Assert.True(storage.SegmentCount <= 2, $"{storage.SegmentCount} segments");
    }

    [Fact]
    public void The_install_segment_outlives_reopening_while_entries_follow_in_later_segments()
    {
        var snapshot = new Snapshot(30, 4, "installed"u8.ToArray());
        using (var storage = dir.Open(segmentBytes: 1))
        {
            Written(storage);
            storage.InstallSnapshot(snapshot);
            // Every save starts a segment: the install's holds only the hard state.
            storage.Save(null, Range(31, 32, 4), sync: true);
            storage.Save(null, Range(33, 34, 4), sync: true);
        }
        using (var reopened = dir.Open(segmentBytes: 1)) Assert.Equal(3, reopened.SegmentCount);

        using var again = dir.Open(segmentBytes: 1);
        Assert.Equal((31L, 34L), (again.FirstIndex, again.LastIndex));
        Assert.True(snapshot.SameAs(again.Snapshot));
        Assert.Equal(Range(31, 34, 4), again.ReadRange(1, 100), (a, b) => a.SameAs(b));
    }

    [Fact]
    public void An_install_at_the_commit_index_itself_is_accepted()
    {
        using var storage = dir.Open(segmentBytes: SegmentBytes);
        Written(storage);

        storage.InstallSnapshot(new Snapshot(20, 5, default));

        Assert.Equal((21L, 20L), (storage.FirstIndex, storage.LastIndex));
        Assert.Equal(5, storage.Term(20));
    }

    [Fact]
    public void A_snapshot_at_index_0_or_of_a_negative_term_is_refused()
    {
        using var storage = dir.Open(segmentBytes: SegmentBytes);
        Written(storage);

        Assert.Throws<ArgumentOutOfRangeException>(() => storage.Compact(new Snapshot(0, 0, default)));
        Assert.Throws<ArgumentOutOfRangeException>(() => storage.InstallSnapshot(new Snapshot(0, 0, default)));
        Assert.Throws<ArgumentOutOfRangeException>(() => storage.InstallSnapshot(new Snapshot(40, -1, default)));
        Assert.Equal((1L, 20L), (storage.FirstIndex, storage.LastIndex));
        Assert.Null(storage.Snapshot);
        Assert.Empty(dir.Snapshots());
    }

    [Fact]
    public void A_compaction_closes_the_read_handles_of_the_segments_it_deletes()
    {
        using var storage = dir.Open(segmentBytes: SegmentBytes, cacheEntries: 0);
        Written(storage);
        // Reading every entry from disk leaves a read handle cached for each closed segment.
        Assert.Equal(20, storage.ReadRange(1, 100).Count);
        Assert.True(storage.Statistics.OpenFiles >= 5, $"{storage.Statistics.OpenFiles} open files");

        storage.Compact(new Snapshot(20, 3, default));

        Assert.Equal(1, storage.SegmentCount);
        Assert.Equal(1, storage.Statistics.OpenFiles);
    }

    [Fact]
    public void Closing_a_storage_closes_its_segment_and_every_read_handle()
    {
        var storage = dir.Open(segmentBytes: SegmentBytes, cacheEntries: 0);
        Written(storage);
        Assert.Equal(20, storage.ReadRange(1, 100).Count);

        storage.Dispose();

        Assert.Equal(0, storage.Statistics.OpenFiles);
    }

    [Fact]
    public void Only_the_current_segment_stays_open_once_segments_roll()
    {
        using var storage = dir.Open(segmentBytes: SegmentBytes);
        Written(storage);
        Assert.True(storage.SegmentCount >= 5, $"{storage.SegmentCount} segments");

        Assert.Equal(1, storage.Statistics.OpenFiles);
    }

    [Fact]
    public void File_statistics_count_segments_bytes_and_open_files()
    {
        using var storage = dir.Open(segmentBytes: SegmentBytes);
        Written(storage);
        storage.Compact(new Snapshot(12, 2, "s"u8.ToArray()));

        var stats = storage.Statistics;

        Assert.Equal(dir.Path, stats.DataDirectory);
        Assert.Equal(FsyncPolicy.Always, stats.Fsync);
        Assert.Equal(dir.Segments().Length, stats.Segments);
        Assert.Equal(dir.Segments().Concat(dir.Snapshots()).Sum(path => new FileInfo(path).Length), stats.DiskBytes);
        Assert.Equal((13L, 20L, 12L), (stats.FirstIndex, stats.LastIndex, stats.SnapshotIndex));
        Assert.InRange(stats.OpenFiles, 1, 1 + FileRaftStorage.ReadHandles);
        Assert.Equal(storage.SyncCount, stats.Syncs);
    }

    [Fact]
    public void Memory_statistics_have_no_directory_and_no_files()
    {
        var storage = new InMemoryRaftStorage();
        Written(storage);

        var stats = storage.Statistics;

        Assert.Null(stats.DataDirectory);
        Assert.Null(stats.Fsync);
        Assert.Equal((0, 0L, 0), (stats.Segments, stats.DiskBytes, stats.OpenFiles));
        Assert.Equal((1L, 20L), (stats.FirstIndex, stats.LastIndex));
    }

    /// <summary>A storage of <paramref name="kind"/> (disposed with the test) holding what <see cref="Written"/> writes.</summary>
    private IRaftStorage OpenWritten(StorageKind kind, out Entry[] entries)
    {
        IRaftStorage storage = kind == StorageKind.File ? dir.Open(segmentBytes: SegmentBytes, cacheEntries: 0) : new InMemoryRaftStorage();
        if (storage is IDisposable disposable) opened.Add(disposable);
        entries = Written(storage);
        return storage;
    }

    /// <summary>Entries 1..20 in terms 1 (1..9), 2 (10..14) and 3 (15..20), committed, with term 3 and a vote for 1.</summary>
    private static Entry[] Written(IRaftStorage storage)
    {
        Entry[] entries = [.. Range(1, 9, 1), .. Range(10, 14, 2), .. Range(15, 20, 3)];
        foreach (var chunk in entries.Chunk(3)) storage.Save(null, chunk, sync: true);
        storage.Save(new HardState(3, 1, 20), [], sync: true);
        return entries;
    }
}

using HttpRaft.Consensus;
using Xunit.Abstractions;
using static HttpRaft.Storage.Tests.DataDirectory;

namespace HttpRaft.Storage.Tests;

/// <summary>
/// A crash after any durable step of a compaction or an install (simulated by stopping the operation there through
/// <see cref="FileRaftStorage.StepHook"/> and reopening the directory) leaves a log that reopens either as it was
/// before the operation or as it is after it, never anything else, and the reopen finishes the operation's
/// clean-up: the data directory ends up with exactly the files a run without a crash leaves.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private const long SegmentBytes = 128;

    private static readonly Snapshot Earlier = new(3, 1, "state at 3"u8.ToArray());
    private static readonly HardState Saved = new(3, 1, 60);

    [Fact]
    public void A_compaction_stopped_after_any_step_reopens_before_or_after_it()
    {
        var snapshot = new Snapshot(50, 2, "state at 50"u8.ToArray());
        var reference = FilesAfter(storage => storage.Compact(snapshot));
        var steps = CrashAfterEachStep(storage => storage.Compact(snapshot), (completed, reopened, before) =>
        {
            if (completed.Contains(StorageStep.SnapshotDurable))
            {
                AssertLog(reopened, snapshot, Entries()[50..], Saved);
                return reference;
            }
            AssertLog(reopened, Earlier, Entries()[3..], Saved);
            return before;
        });

        // The compaction under test replaces a snapshot and deletes several segments, one of them the hard state's.
        Assert.Equal(
            [StorageStep.SnapshotTempWritten, StorageStep.SnapshotDurable, StorageStep.OldSnapshotDeleted, StorageStep.HardStateWritten],
            steps.Take(4));
        Assert.True(steps.Count(step => step == StorageStep.SegmentDeleted) > 3, string.Join(", ", steps));
    }

    [Fact]
    public void A_compaction_that_raises_the_commit_index_stopped_after_any_step_reopens_before_or_after_it()
    {
        var snapshot = new Snapshot(80, 2, "state at 80"u8.ToArray());
        var raised = Saved with { Commit = 80 };
        var reference = FilesAfter(storage => storage.Compact(snapshot));
        var steps = CrashAfterEachStep(storage => storage.Compact(snapshot), (completed, reopened, before) =>
        {
            if (completed.Contains(StorageStep.SnapshotDurable))
            {
                AssertLog(reopened, snapshot, Entries()[80..], raised);
                return reference;
            }
            // The raised commit index may already be saved: it was committed before the compaction began.
            AssertLog(reopened, Earlier, Entries()[3..], completed.Contains(StorageStep.HardStateWritten) ? raised : Saved);
            return null;
        });

        Assert.Equal(StorageStep.HardStateWritten, steps[0]);
    }

    [Fact]
    public void An_install_stopped_after_any_step_reopens_before_or_after_it()
    {
        var snapshot = new Snapshot(200, 9, "the leader's state at 200"u8.ToArray());
        var reference = FilesAfter(storage => storage.InstallSnapshot(snapshot));
        var steps = CrashAfterEachStep(storage => storage.InstallSnapshot(snapshot), (completed, reopened, before) =>
        {
            if (completed.Contains(StorageStep.SnapshotDurable))
            {
                AssertLog(reopened, snapshot, [], Saved with { Commit = 200 });
                return reference;
            }
            AssertLog(reopened, Earlier, Entries()[3..], Saved);
            return before;
        });

        Assert.Equal(
            [StorageStep.SnapshotTempWritten, StorageStep.SnapshotDurable, StorageStep.OldSnapshotDeleted, StorageStep.SegmentTempWritten, StorageStep.SegmentCreated],
            steps.Take(5));
        Assert.True(steps.Count(step => step == StorageStep.SegmentDeleted) > 3, string.Join(", ", steps));
    }

    [Fact]
    public void Temporary_files_left_by_a_crash_mid_write_are_deleted_and_change_nothing()
    {
        using var dir = Prepared();
        File.WriteAllBytes(Path.Combine(dir.Path, SnapshotFile.NameOf(70) + ".tmp"), [0x89, (byte)'H', 1, 2]);
        File.WriteAllBytes(Path.Combine(dir.Path, SegmentFile.NameOf(99) + ".tmp"), new byte[10]);
        var before = dir.Files().Where(name => !name.EndsWith(".tmp", StringComparison.Ordinal)).ToArray();

        using var reopened = Open(dir);

        AssertLog(reopened, Earlier, Entries()[3..], Saved);
        Assert.Equal(before, dir.Files());
    }

    [Fact]
    public void A_damaged_snapshot_with_no_older_one_is_corruption_naming_it()
    {
        using var dir = Prepared();
        var snapshot = dir.Snapshots().Single();
        FlipBits(snapshot, 20);

        var e = Assert.Throws<StorageCorruptedException>(() => Open(dir));

        Assert.Equal(snapshot, e.File);
        Assert.Contains("checksum", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_newest_snapshot_falls_back_to_the_older_one_while_the_segments_still_follow_it()
    {
        using var dir = Prepared();
        var snapshot = new Snapshot(50, 2, "state at 50"u8.ToArray());
        StopAfter(dir, StorageStep.SnapshotDurable, storage => storage.Compact(snapshot));
        var newest = dir.Snapshots()[^1];
        FlipBits(newest, 30);

        using var reopened = Open(dir);

        AssertLog(reopened, Earlier, Entries()[3..], Saved);
        Assert.Equal([Path.GetFileName(dir.Snapshots().Single())], [SnapshotFile.NameOf(3)]);
        Assert.True(File.Exists(newest + ".damaged"));
        Assert.Contains(newest, Assert.Single(dir.Log.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_newest_snapshot_whose_older_one_the_segments_no_longer_follow_is_corruption_naming_it()
    {
        using var dir = Prepared();
        StopAfter(dir, StorageStep.SnapshotDurable, storage => storage.Compact(new Snapshot(50, 2, default)));
        var newest = dir.Snapshots()[^1];
        FlipBits(newest, 30);
        File.Delete(dir.Segments()[0]); // as if the compaction's deletions had begun

        var e = Assert.Throws<StorageCorruptedException>(() => Open(dir));

        Assert.Equal(newest, e.File);
        Assert.False(File.Exists(newest + ".damaged"));
    }

    /// <summary>
    /// Runs <paramref name="operation"/> on a fresh copy of the prepared log once per step it takes, stopping it after
    /// step k (k = 1, 2, … until it completes), then reopens and hands the steps completed to <paramref name="check"/>,
    /// which asserts the log and returns the file names the directory must then hold (null: not checked). Returns
    /// every step of the operation.
    /// </summary>
    private List<StorageStep> CrashAfterEachStep(Action<FileRaftStorage> operation, Func<List<StorageStep>, FileRaftStorage, string[], string[]?> check)
    {
        for (var stopAfter = 1; ; stopAfter++)
        {
            using var dir = Prepared();
            var before = dir.Files();
            var completed = StopAfter(dir, stopAfter, operation);
            if (completed.Count < stopAfter) return completed;
            output.WriteLine($"stopped after {string.Join(", ", completed)}");
            using (var reopened = Open(dir))
            {
                var expectedFiles = check(completed, reopened, before);
                if (expectedFiles is not null) Assert.Equal(expectedFiles, dir.Files());
                reopened.Save(null, [Make(reopened.LastIndex + 1, 9)], sync: true);
            }
            using var again = Open(dir);
        }
    }

    /// <summary>Runs <paramref name="operation"/>, stopping it (as a crash would) right after its <paramref name="stopAfter"/>-th step; returns the steps it completed.</summary>
    private static List<StorageStep> StopAfter(DataDirectory dir, int stopAfter, Action<FileRaftStorage> operation)
    {
        var completed = new List<StorageStep>();
        using var storage = Open(dir);
        storage.StepHook = step =>
        {
            completed.Add(step);
            if (completed.Count == stopAfter) throw new SimulatedCrash();
        };
        try
        {
            operation(storage);
        }
        catch (SimulatedCrash)
        {
        }
        return completed;
    }

    private static void StopAfter(DataDirectory dir, StorageStep step, Action<FileRaftStorage> operation)
    {
        using var storage = Open(dir);
        storage.StepHook = done =>
        {
            if (done == step) throw new SimulatedCrash();
        };
        Assert.Throws<SimulatedCrash>(() => operation(storage));
    }

    /// <summary>The file names a run of <paramref name="operation"/> without a crash leaves.</summary>
    private static string[] FilesAfter(Action<FileRaftStorage> operation)
    {
        using var dir = Prepared();
        using (var storage = Open(dir)) operation(storage);
        return dir.Files();
    }

    /// <summary>
    /// Entries 1..100 (term 1 to 20, term 2 after), the only hard-state record in the first segment, and an earlier
    /// snapshot at 3 that left the first segment in place: a compaction beyond it replaces a snapshot, deletes
    /// several segments and must carry the hard state forward.
    /// </summary>
    private static DataDirectory Prepared()
    {
        var dir = new DataDirectory();
        using var storage = Open(dir);
        var entries = Entries();
        storage.Save(Saved, entries[..5], sync: true);
        foreach (var chunk in entries[5..].Chunk(4)) storage.Save(null, chunk, sync: true);
        storage.Compact(Earlier);
        Assert.Contains(dir.Segments(), path => path.EndsWith(SegmentFile.NameOf(1), StringComparison.Ordinal));
        return dir;
    }

    /// <summary>No fsync: the crashes simulated are the process's (what fsync adds is order on power loss, which a test cannot pull the plug on).</summary>
    private static FileRaftStorage Open(DataDirectory dir) => dir.Open(SegmentBytes, fsync: FsyncPolicy.Never);

    private static Entry[] Entries() => [.. Range(1, 20, 1), .. Range(21, 100, 2)];

    private static void AssertLog(FileRaftStorage storage, Snapshot snapshot, Entry[] entries, HardState hardState)
    {
        Assert.True(snapshot.SameAs(storage.Snapshot), $"snapshot at {storage.Snapshot?.Index}, expected {snapshot.Index}");
        Assert.Equal(snapshot.Index + 1, storage.FirstIndex);
        Assert.Equal(snapshot.Index + entries.Length, storage.LastIndex);
        Assert.Equal(snapshot.Term, storage.Term(snapshot.Index));
        Assert.Equal(entries, storage.ReadRange(1, long.MaxValue), (a, b) => a.SameAs(b));
        Assert.Equal(hardState, storage.HardState);
    }

    private sealed class SimulatedCrash : Exception;
}

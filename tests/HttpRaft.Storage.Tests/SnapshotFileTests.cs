using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using HttpRaft.Consensus;

namespace HttpRaft.Storage.Tests;

/// <summary>The snapshot file: what it reads back, and every way it can fail to hold what its name and fields say.</summary>
public sealed class SnapshotFileTests : IDisposable
{
    private readonly DataDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData("data length", "the snapshot says it holds 6 bytes of data but the file has room for 5")]
    [InlineData("index", "the snapshot's index 6 and term 2 do not fit its name")]
    [InlineData("term", "the snapshot's index 5 and term -1 do not fit its name")]
    [InlineData("index 0", "the snapshot's index 0 and term 2 do not fit its name")]
    [InlineData("magic", "not a snapshot file (its magic number is wrong)")]
    [InlineData("too short", "a snapshot file cannot be 39 bytes long")]
    [InlineData("too long", "a snapshot file cannot be 3221225472 bytes long")]
    public void A_snapshot_file_that_does_not_hold_what_its_name_and_fields_say_is_corruption_naming_it(string damage, string problem)
    {
        var path = SnapshotFile.Write(dir.Path, new Snapshot(5, 2, "state"u8.ToArray()), flags: 0, sync: false, step: null);
        var bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "data length": BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(32), 6); break;
            case "index": BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16), 6); break;
            case "term": BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(24), -1); break;
            case "index 0": BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16), 0); break;
            case "magic": bytes[1] = (byte)'X'; break;
        }
        // Checksummed again, so that the check under test is the one that catches it.
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)));
        File.WriteAllBytes(path, bytes);
        if (damage == "index 0") File.Move(path, path = Path.Combine(dir.Path, SnapshotFile.NameOf(0)));
        // Cut or stretched (sparsely) past any snapshot: the length alone must stop the read, before any allocation.
        if (damage == "too short") using (var stream = new FileStream(path, FileMode.Open)) stream.SetLength(39);
        if (damage == "too long") using (var stream = new FileStream(path, FileMode.Open)) stream.SetLength(3L << 30);

        FormatTests.AssertDamaged(path, () => SnapshotFile.Read(path), problem);
    }

    [Fact]
    public void A_snapshot_file_reads_back_its_index_term_data_and_flags()
    {
        var path = SnapshotFile.Write(dir.Path, new Snapshot(5, 2, "state"u8.ToArray()), SnapshotFile.Installed, sync: false, step: null);

        var (snapshot, flags) = SnapshotFile.Read(path);

        Assert.Equal((5L, 2L, "state", SnapshotFile.Installed), (snapshot.Index, snapshot.Term, Encoding.UTF8.GetString(snapshot.Data.Span), flags));
        Assert.Equal(SnapshotFile.NameOf(5), Path.GetFileName(path));
    }

    [Fact]
    public void A_snapshot_written_at_the_index_of_one_on_disk_replaces_it()
    {
        // A compaction may repeat the held snapshot's index (with the state serialized again).
        SnapshotFile.Write(dir.Path, new Snapshot(5, 2, "first"u8.ToArray()), flags: 0, sync: false, step: null);

        var path = SnapshotFile.Write(dir.Path, new Snapshot(5, 2, "again"u8.ToArray()), flags: 0, sync: false, step: null);

        Assert.Equal("again", Encoding.UTF8.GetString(SnapshotFile.Read(path).Snapshot.Data.Span));
    }
}

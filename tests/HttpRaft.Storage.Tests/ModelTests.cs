using HttpRaft.Consensus;
using Xunit.Abstractions;

namespace HttpRaft.Storage.Tests;

/// <summary>
/// The file log against the simulation's model of "what was persisted" (<see cref="MemoryStorage"/>): seeded random
/// appends, suffix truncations, hard-state-only writes and reopenings, with tiny segments so rolls and truncations
/// across segments happen often. After every step both must hold the same entries, terms and hard state.
/// </summary>
public sealed class ModelTests(ITestOutputHelper output) : IDisposable
{
    private readonly DataDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_writes_and_reopens_match_the_model(int seed)
    {
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var model = new MemoryStorage();
        var storage = dir.Open(segmentBytes: 700, cacheEntries: 8);
        try
        {
            var term = 1L;
            var committed = 0L;
            for (var step = 0; step < 600; step++)
            {
                var roll = random.Next(100);
                if (roll < 8)
                {
                    storage.Dispose();
                    storage = dir.Open(segmentBytes: 700, cacheEntries: 8);
                }
                else
                {
                    // As Raft writes: the commit index never goes back, and a truncation never reaches a committed entry.
                    if (random.Next(3) == 0) committed = random.NextInt64(committed, model.LastIndex + 1);
                    HardState? state = random.Next(3) == 0 ? new HardState(term, random.Next(-1, 3), committed) : null;
                    var entries = Array.Empty<Entry>();
                    if (roll < 80)
                    {
                        // Mostly appends at the end; sometimes a new term overwrites an uncommitted suffix.
                        var first = roll < 65 || model.LastIndex == committed ? model.LastIndex + 1 : random.NextInt64(committed + 1, model.LastIndex + 1);
                        if (first <= model.LastIndex) term++;
                        entries = [.. Enumerable.Range(0, random.Next(1, 6)).Select(i => DataDirectory.Make(first + i, term, new string('x', random.Next(1, 40))))];
                    }
                    storage.Save(state, entries, sync: random.Next(2) == 0);
                    model.Append(entries);
                    if (state is { } s) model.SetHardState(s);
                }
                Assert.True(Matches(model, storage, out var problem), $"seed {seed}, step {step}: {problem}");
            }
            output.WriteLine($"{model.LastIndex} entries in {storage.SegmentCount} segments");
        }
        finally
        {
            storage.Dispose();
        }
    }

    private static bool Matches(MemoryStorage model, FileRaftStorage storage, out string problem)
    {
        problem = "";
        if (model.HardState != storage.HardState) problem = $"hard state {storage.HardState}, model {model.HardState}";
        else if (model.LastIndex != storage.LastIndex) problem = $"last index {storage.LastIndex}, model {model.LastIndex}";
        else
        {
            var expected = model.LastIndex == 0 ? [] : model.Entries(1, model.LastIndex + 1, long.MaxValue);
            var actual = storage.ReadRange(1, long.MaxValue);
            for (var i = 0; i < expected.Count && problem.Length == 0; i++)
            {
                if (!expected[i].SameAs(actual[i]) || storage.Term(i + 1) != expected[i].Term) problem = $"entry {i + 1} differs";
            }
        }
        return problem.Length == 0;
    }
}

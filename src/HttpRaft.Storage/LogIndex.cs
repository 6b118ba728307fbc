namespace HttpRaft.Storage;

/// <summary>
/// Where each entry lives on disk and which term it has, compactly: 8 bytes per entry (segment ordinal and byte
/// offset packed into one <see cref="long"/>, in one growable array) plus one (first index, term) pair per run of
/// entries with the same term, which is a handful per election rather than per entry.
/// </summary>
/// <remarks>Not thread-safe: <see cref="FileRaftStorage"/> guards it.</remarks>
internal sealed class LogIndex
{
    private long[] positions = new long[1024];
    private readonly List<(long First, long Term)> terms = [];

    /// <summary>The last indexed entry; entries are 1..LastIndex.</summary>
    public long LastIndex { get; private set; }

    public static long Pack(int segment, long offset) => ((long)segment << 32) | (uint)offset;

    public static (int Segment, long Offset) Unpack(long position) => ((int)(position >> 32), (uint)position);

    /// <summary>Records entry <paramref name="index"/> (which must be LastIndex + 1).</summary>
    public void Add(long index, long term, long position)
    {
        if (index != LastIndex + 1) throw new InvalidOperationException($"Index {index} does not follow {LastIndex}.");
        if (LastIndex == positions.Length) Array.Resize(ref positions, positions.Length * 2);
        positions[LastIndex] = position;
        if (terms.Count == 0 || terms[^1].Term != term) terms.Add((index, term));
        LastIndex = index;
    }

    /// <summary>Forgets entries at and after <paramref name="index"/>.</summary>
    public void TruncateFrom(long index)
    {
        if (index > LastIndex) return;
        LastIndex = Math.Max(0, index - 1);
        while (terms.Count > 0 && terms[^1].First > LastIndex) terms.RemoveAt(terms.Count - 1);
    }

    public long PositionOf(long index) => positions[index - 1];

    public long TermOf(long index)
    {
        if (index == 0) return 0;
        if (index < 0 || index > LastIndex) throw new ArgumentOutOfRangeException(nameof(index), index, $"No entry at this index (last is {LastIndex}).");
        int lo = 0, hi = terms.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (terms[mid].First <= index) lo = mid;
            else hi = mid - 1;
        }
        return terms[lo].Term;
    }

    /// <summary>Approximate bytes held, for the README's per-entry figure.</summary>
    public long MemoryBytes => positions.LongLength * sizeof(long) + terms.Capacity * 16L;
}

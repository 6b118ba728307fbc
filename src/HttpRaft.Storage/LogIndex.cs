namespace HttpRaft.Storage;

/// <summary>
/// Where each entry lives on disk and which term it has, in about 2 bytes per entry for small entries: entries
/// are grouped in chunks of 64, each chunk keeps its first entry's byte offset and then one zigzag varint per
/// entry (the distance from the entry before, usually its record's length). Segments and terms change rarely,
/// so each is one (first index, value) pair per run. 8 bytes per entry, as a plain array would take, is 24 MB
/// more every five minutes at 10,000 appends a second; this keeps a busy node's memory close to flat.
/// </summary>
/// <remarks>
/// Entries' segments never decrease with their index (a rewritten suffix is appended to the current segment),
/// which is what lets segments be runs. Not thread-safe: <see cref="FileRaftStorage"/> guards it.
/// </remarks>
internal sealed class LogIndex
{
    private const int ChunkEntries = 64;

    private readonly List<(long FirstOffset, long DeltaAddress)> chunks = [];
    private readonly VarintStore deltas = new();
    private readonly List<(long First, long Term)> terms = [];
    private readonly List<(long First, int Segment)> segments = [];
    private long lastOffset;

    /// <summary>The last indexed entry; entries are 1..LastIndex.</summary>
    public long LastIndex { get; private set; }

    public static long Pack(int segment, long offset) => ((long)segment << 32) | (uint)offset;

    public static (int Segment, long Offset) Unpack(long position) => ((int)(position >> 32), (uint)position);

    /// <summary>Records entry <paramref name="index"/> (which must be LastIndex + 1).</summary>
    public void Add(long index, long term, long position)
    {
        if (index != LastIndex + 1) throw new InvalidOperationException($"Index {index} does not follow {LastIndex}.");
        var (segment, offset) = Unpack(position);
        if ((index - 1) % ChunkEntries == 0) chunks.Add((offset, deltas.Length));
        else deltas.Append(offset - lastOffset);
        if (segments.Count == 0 || segments[^1].Segment != segment) segments.Add((index, segment));
        if (terms.Count == 0 || terms[^1].Term != term) terms.Add((index, term));
        lastOffset = offset;
        LastIndex = index;
    }

    /// <summary>Forgets entries at and after <paramref name="index"/>.</summary>
    public void TruncateFrom(long index)
    {
        if (index > LastIndex) return;
        var last = Math.Max(0, index - 1);
        if (last > 0)
        {
            var (offset, end) = Locate(last);
            lastOffset = offset;
            deltas.Length = end;
        }
        else
        {
            deltas.Length = 0;
        }
        var keep = (int)((last + ChunkEntries - 1) / ChunkEntries);
        chunks.RemoveRange(keep, chunks.Count - keep);
        while (terms.Count > 0 && terms[^1].First > last) terms.RemoveAt(terms.Count - 1);
        while (segments.Count > 0 && segments[^1].First > last) segments.RemoveAt(segments.Count - 1);
        LastIndex = last;
    }

    public long PositionOf(long index) => Pack(Find(segments, index).Value, Locate(index).Offset);

    /// <summary>
    /// The positions of entry <paramref name="index"/> and those after it, in order, decoding each delta once: a
    /// read of a run walks them this way instead of locating every entry from its chunk's start.
    /// </summary>
    public IEnumerable<long> PositionsFrom(long index)
    {
        var segment = FindRunIndex(segments, index);
        var (offset, address) = Locate(index);
        for (var i = index; i <= LastIndex; i++)
        {
            if (i > index && (i - 1) % ChunkEntries == 0) (offset, address) = chunks[(int)((i - 1) / ChunkEntries)];
            else if (i > index) offset += deltas.Read(ref address);
            while (segment + 1 < segments.Count && segments[segment + 1].First <= i) segment++;
            yield return Pack(segments[segment].Segment, offset);
        }
    }

    public long TermOf(long index)
    {
        if (index == 0) return 0;
        if (index < 0 || index > LastIndex) throw new ArgumentOutOfRangeException(nameof(index), index, $"No entry at this index (last is {LastIndex}).");
        return Find(terms, index).Value;
    }

    /// <summary>Approximate bytes held, for the per-entry figure in docs/storage.md.</summary>
    public long MemoryBytes => deltas.CapacityBytes + chunks.Capacity * 16L + terms.Capacity * 16L + segments.Capacity * 16L;

    /// <summary>The byte offset of entry <paramref name="index"/>, and the address just after its delta.</summary>
    private (long Offset, long End) Locate(long index)
    {
        var (offset, address) = chunks[(int)((index - 1) / ChunkEntries)];
        for (var k = (index - 1) % ChunkEntries; k > 0; k--) offset += deltas.Read(ref address);
        return (offset, address);
    }

    /// <summary>The run holding <paramref name="index"/> in a list of runs sorted by their first index.</summary>
    private static (long First, T Value) Find<T>(List<(long First, T Value)> runs, long index) => runs[FindRunIndex(runs, index)];

    private static int FindRunIndex<T>(List<(long First, T Value)> runs, long index)
    {
        int lo = 0, hi = runs.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (runs[mid].First <= index) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    /// <summary>
    /// Signed varints (zigzag, 7 bits a byte) in fixed 64 KiB blocks: growing never copies what is stored, and no
    /// block is large enough for the large-object heap.
    /// </summary>
    private sealed class VarintStore
    {
        private const int BlockShift = 16;
        private const int BlockMask = (1 << BlockShift) - 1;
        private readonly List<byte[]> blocks = [];

        /// <summary>Bytes in use; lowering it forgets what follows.</summary>
        public long Length { get; set; }

        public long CapacityBytes => (long)blocks.Count << BlockShift;

        public void Append(long value)
        {
            var zigzag = (ulong)((value << 1) ^ (value >> 63));
            while (zigzag >= 0x80)
            {
                Put((byte)(zigzag | 0x80));
                zigzag >>= 7;
            }
            Put((byte)zigzag);
        }

        public long Read(ref long address)
        {
            ulong zigzag = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = blocks[(int)(address >> BlockShift)][address & BlockMask];
                address++;
                zigzag |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) break;
            }
            return (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
        }

        private void Put(byte value)
        {
            if ((Length >> BlockShift) == blocks.Count) blocks.Add(new byte[1 << BlockShift]);
            blocks[(int)(Length >> BlockShift)][Length & BlockMask] = value;
            Length++;
        }
    }
}

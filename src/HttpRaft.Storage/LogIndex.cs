namespace HttpRaft.Storage;

/// <summary>
/// Where each entry lives on disk and which term it has, in about 2 bytes per entry for small entries: entries
/// are grouped in chunks of 64, each chunk keeps its first entry's byte offset and then one zigzag varint per
/// entry (the distance from the entry before, usually its record's length). Segments and terms change rarely,
/// so each is one (first index, value) pair per run. 8 bytes per entry, as a plain array would take, is 24 MB
/// more every five minutes at 10,000 appends a second; this keeps a busy node's memory close to flat.
/// </summary>
/// <remarks>
/// The log may start at any index (after a snapshot), and <see cref="DropBefore"/> releases the memory of a
/// compacted prefix, so an index over a sliding window costs the window only. Chunks are aligned on the first
/// index the index was started at (<see cref="Reset"/>). A position is a segment's sequence number and a byte
/// offset (<see cref="Pack"/>). Entries' segments never decrease with their index (a rewritten suffix is appended
/// to the current segment), which is what lets segments be runs. Not thread-safe: its owner guards it.
/// </remarks>
internal sealed class LogIndex
{
    private const int ChunkEntries = 64;

    private readonly SlidingList<(long FirstOffset, long DeltaAddress)> chunks = new();
    private readonly VarintStore deltas = new();
    private readonly SlidingList<(long First, long Term)> terms = new();
    private readonly SlidingList<(long First, int Segment)> segments = new();

    /// <summary>The index of the first entry of chunk 0; chunk arithmetic is relative to it.</summary>
    private long origin;

    /// <summary>How many chunks <see cref="DropBefore"/> has released from the front of <see cref="chunks"/>.</summary>
    private long droppedChunks;

    private long lastOffset;

    public LogIndex(long firstIndex = 1) => Reset(firstIndex);

    /// <summary>The first indexed entry (or, while empty, the index the next entry must have).</summary>
    public long FirstIndex { get; private set; }

    /// <summary>The last indexed entry; FirstIndex - 1 while empty.</summary>
    public long LastIndex { get; private set; }

    public bool IsEmpty => LastIndex < FirstIndex;

    /// <summary>The sequence number of the segment that holds the first entry; null while empty.</summary>
    public int? FirstSegment => IsEmpty ? null : segments[0].Segment;

    /// <summary>Each segment that holds entries, with the first entry it holds, oldest first.</summary>
    public IReadOnlyList<(long First, int Segment)> SegmentRuns
    {
        get
        {
            var runs = new (long First, int Segment)[IsEmpty ? 0 : segments.Count];
            for (var i = 0; i < runs.Length; i++) runs[i] = segments[i];
            // The first run may begin before the first entry: the compacted prefix shared its segment.
            if (runs.Length > 0) runs[0].First = FirstIndex;
            return runs;
        }
    }

    public static long Pack(int segment, long offset) => ((long)segment << 32) | (uint)offset;

    public static (int Segment, long Offset) Unpack(long position) => ((int)(position >> 32), (uint)position);

    /// <summary>Forgets every entry: the index is empty and its next entry is <paramref name="firstIndex"/>.</summary>
    public void Reset(long firstIndex)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(firstIndex, 1);
        chunks.Clear();
        deltas.Clear();
        terms.Clear();
        segments.Clear();
        origin = firstIndex;
        droppedChunks = 0;
        lastOffset = 0;
        FirstIndex = firstIndex;
        LastIndex = firstIndex - 1;
    }

    /// <summary>Records entry <paramref name="index"/> (which must be LastIndex + 1).</summary>
    public void Add(long index, long term, long position)
    {
        if (index != LastIndex + 1) throw new InvalidOperationException($"Index {index} does not follow {LastIndex}.");
        var (segment, offset) = Unpack(position);
        if ((index - origin) % ChunkEntries == 0) chunks.Add((offset, deltas.Length));
        else deltas.Append(offset - lastOffset);
        if (segments.Count == 0 || segments.Last.Segment != segment) segments.Add((index, segment));
        if (terms.Count == 0 || terms.Last.Term != term) terms.Add((index, term));
        lastOffset = offset;
        LastIndex = index;
    }

    /// <summary>Forgets entries at and after <paramref name="index"/>; at or before the first, all of them.</summary>
    public void TruncateFrom(long index)
    {
        if (index > LastIndex) return;
        if (index <= FirstIndex)
        {
            Reset(FirstIndex);
            return;
        }
        var last = index - 1;
        var (offset, end) = Locate(last);
        lastOffset = offset;
        deltas.Length = end;
        chunks.RemoveFrom(ChunkSlot(last) + 1);
        while (terms.Last.First > last) terms.RemoveFrom(terms.Count - 1);
        while (segments.Last.First > last) segments.RemoveFrom(segments.Count - 1);
        LastIndex = last;
    }

    /// <summary>
    /// Makes <paramref name="firstIndex"/> (at most LastIndex + 1) the first entry and releases what only the entries
    /// before it used: whole chunks, whole blocks of deltas, and runs of terms and segments.
    /// </summary>
    public void DropBefore(long firstIndex)
    {
        if (firstIndex <= FirstIndex) return;
        if (firstIndex > LastIndex)
        {
            if (firstIndex > LastIndex + 1) throw new ArgumentOutOfRangeException(nameof(firstIndex), firstIndex, $"The index ends at {LastIndex}.");
            Reset(firstIndex);
            return;
        }
        var keepChunk = ChunkSlot(firstIndex);
        chunks.RemoveFirst(keepChunk);
        droppedChunks += keepChunk;
        deltas.DropBefore(chunks[0].DeltaAddress);
        while (terms.Count > 1 && terms[1].First <= firstIndex) terms.RemoveFirst(1);
        while (segments.Count > 1 && segments[1].First <= firstIndex) segments.RemoveFirst(1);
        FirstIndex = firstIndex;
    }

    public long PositionOf(long index)
    {
        CheckHeld(index);
        return Pack(segments[FindRunIndex(segments, index)].Segment, Locate(index).Offset);
    }

    /// <summary>
    /// The positions of entry <paramref name="index"/> and those after it, in order, decoding each delta once: a
    /// read of a run walks them this way instead of locating every entry from its chunk's start.
    /// </summary>
    public IEnumerable<long> PositionsFrom(long index)
    {
        CheckHeld(index);
        return Walk(index);
    }

    public long TermOf(long index)
    {
        CheckHeld(index);
        return terms[FindRunIndex(terms, index)].Term;
    }

    /// <summary>Approximate bytes held, for the README's per-entry figure.</summary>
    public long MemoryBytes => deltas.CapacityBytes + chunks.Capacity * 16L + terms.Capacity * 16L + segments.Capacity * 16L;

    private IEnumerable<long> Walk(long index)
    {
        var segment = FindRunIndex(segments, index);
        var (offset, address) = Locate(index);
        for (var i = index; i <= LastIndex; i++)
        {
            if (i > index && (i - origin) % ChunkEntries == 0) (offset, address) = chunks[ChunkSlot(i)];
            else if (i > index) offset += deltas.Read(ref address);
            while (segment + 1 < segments.Count && segments[segment + 1].First <= i) segment++;
            yield return Pack(segments[segment].Segment, offset);
        }
    }

    private void CheckHeld(long index)
    {
        if (index < FirstIndex || index > LastIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"No entry at this index (the index holds {FirstIndex}..{LastIndex}).");
        }
    }

    /// <summary>Where the chunk holding <paramref name="index"/> sits in <see cref="chunks"/>.</summary>
    private int ChunkSlot(long index) => (int)((index - origin) / ChunkEntries - droppedChunks);

    /// <summary>The byte offset of entry <paramref name="index"/>, and the address just after its delta.</summary>
    private (long Offset, long End) Locate(long index)
    {
        var (offset, address) = chunks[ChunkSlot(index)];
        for (var k = (index - origin) % ChunkEntries; k > 0; k--) offset += deltas.Read(ref address);
        return (offset, address);
    }

    /// <summary>The run holding <paramref name="index"/> in a list of runs sorted by their first index.</summary>
    private static int FindRunIndex<T>(SlidingList<(long First, T Value)> runs, long index)
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
    /// Signed varints (zigzag, 7 bits a byte) in fixed 64 KiB blocks: growing never copies what is stored, no
    /// block is large enough for the large-object heap, and a compacted prefix is released a block at a time.
    /// Addresses are absolute: they do not move when blocks before them are released.
    /// </summary>
    private sealed class VarintStore
    {
        private const int BlockShift = 16;
        private const int BlockMask = (1 << BlockShift) - 1;
        private readonly SlidingList<byte[]> blocks = new();
        private long droppedBlocks;

        /// <summary>The address after the last byte in use; lowering it forgets what follows.</summary>
        public long Length { get; set; }

        public long CapacityBytes => (long)blocks.Count << BlockShift;

        public void Clear()
        {
            blocks.Clear();
            droppedBlocks = 0;
            Length = 0;
        }

        /// <summary>Releases the blocks that hold only bytes before <paramref name="address"/>.</summary>
        public void DropBefore(long address)
        {
            var drop = (address >> BlockShift) - droppedBlocks;
            if (drop <= 0) return;
            blocks.RemoveFirst((int)drop);
            droppedBlocks += drop;
        }

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
                var b = Block(address)[address & BlockMask];
                address++;
                zigzag |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) break;
            }
            return (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
        }

        private byte[] Block(long address) => blocks[(int)((address >> BlockShift) - droppedBlocks)];

        private void Put(byte value)
        {
            if ((Length >> BlockShift) - droppedBlocks == blocks.Count) blocks.Add(new byte[1 << BlockShift]);
            Block(Length)[Length & BlockMask] = value;
            Length++;
        }
    }
}

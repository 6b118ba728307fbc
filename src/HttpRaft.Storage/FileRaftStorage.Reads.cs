using HttpRaft.Consensus;
using Microsoft.Win32.SafeHandles;

namespace HttpRaft.Storage;

public sealed partial class FileRaftStorage
{
    private const int MaxRunBytes = 1024 * 1024;
    private const int ReadAhead = 4096;

    /// <summary>Entries in [low, high), which the caller has checked are stored: the cache where it can, the disk otherwise.</summary>
    /// <remarks>
    /// Entries not in the cache are read in runs: consecutive entries in one segment lie in write order (a later
    /// index is always written after an earlier one, or the earlier write would have replaced it), so one read of
    /// the span covering their records serves the run. Records are checked (checksum, type, index) as they are
    /// decoded. A compaction or install on the loop may move the log while a reader on another thread is between
    /// runs: the answer then ends early (at the compacted prefix) or is clipped (to an emptied log), never skips.
    /// </remarks>
    private List<Entry> Read(long low, long high, long maxBytes)
    {
        var result = new List<Entry>((int)Math.Min(high - low, 1024));
        var offsets = new List<long>();
        long bytes = 0;
        var index = low;
        // for (;;) and the run tested for null on a line of its own, not while (true) and a pattern: Stryker can then
        // mutate this method (its mutants of those two forms do not compile, and it dropped every mutant here).
        for (;;)
        {
            SegmentFile? segment = null;
            offsets.Clear();
            Entry cached;
            lock (gate)
            {
                ObjectDisposedException.ThrowIf(disposed, this);
                if (index < log.FirstIndex)
                {
                    if (result.Count > 0) return result;
                    index = log.FirstIndex;
                }
                high = Math.Min(high, log.LastIndex + 1);
                if (index >= high) return result;
                if (!cache.TryGet(index, out cached)) segment = FindRun(index, high, maxBytes - bytes, offsets);
            }
            if (segment is null)
            {
                if (!TryTake(cached, result, ref bytes, maxBytes)) return result;
                index++;
                continue;
            }
            var run = TryReadRun(segment, offsets, index);
            if (run is null) continue;
            foreach (var entry in run)
            {
                if (!TryTake(entry, result, ref bytes, maxBytes)) return result;
            }
            index += run.Count;
        }
    }

    /// <summary>Adds <paramref name="entry"/> unless it would take the answer past <paramref name="maxBytes"/> (the first entry always fits).</summary>
    private static bool TryTake(Entry entry, List<Entry> result, ref long bytes, long maxBytes)
    {
        bytes += entry.Size;
        if (result.Count > 0 && bytes > maxBytes) return false;
        result.Add(entry);
        return true;
    }

    /// <summary>
    /// Under the lock: the segment holding <paramref name="index"/> and, into <paramref name="offsets"/>, the offsets of
    /// it and of the uncached entries after it in that segment, within one read's span and about <paramref name="budget"/> bytes.
    /// </summary>
    private SegmentFile FindRun(long index, long high, long budget, List<long> offsets)
    {
        using var positions = log.PositionsFrom(index).GetEnumerator();
        positions.MoveNext();
        var (sequence, first) = LogIndex.Unpack(positions.Current);
        offsets.Add(first);
        var span = Math.Min(MaxRunBytes, Math.Max(budget, 0));
        for (var next = index + 1; next < high && !cache.TryGet(next, out _) && positions.MoveNext(); next++)
        {
            var (nextSequence, at) = LogIndex.Unpack(positions.Current);
            if (nextSequence != sequence || at - first > span) break;
            offsets.Add(at);
        }
        return SegmentOf(sequence);
    }

    /// <summary>The run's entries; null when a compaction deleted the segment before it could be opened (the caller looks again).</summary>
    private List<Entry>? TryReadRun(SegmentFile segment, List<long> offsets, long firstIndex)
    {
        SegmentReaders.Lease lease;
        try
        {
            lease = readers.Rent(segment);
        }
        catch (FileNotFoundException) when (segment.Retired)
        {
            return null;
        }
        using (lease) return ReadRun(lease.Handle, segment, offsets, firstIndex);
    }

    /// <summary>Reads the records at <paramref name="offsets"/> (entries from <paramref name="firstIndex"/> on) with one read where they fit.</summary>
    private static List<Entry> ReadRun(SafeFileHandle handle, SegmentFile segment, List<long> offsets, long firstIndex)
    {
        var start = offsets[0];
        var buffer = new byte[offsets[^1] - start + ReadAhead];
        var read = SegmentFile.Read(handle, buffer, start);
        var entries = new List<Entry>(offsets.Count);
        for (var k = 0; k < offsets.Count; k++)
        {
            var at = (int)(offsets[k] - start);
            var whole = at + RecordFrame.HeaderBytes <= read
                && at + RecordFrame.HeaderBytes + (long)RecordFrame.PayloadLength(buffer.AsSpan(at)) <= read;
            entries.Add(whole
                ? Decode(buffer.AsSpan(at, read - at), segment, offsets[k], firstIndex + k)
                : ReadEntry(handle, segment, offsets[k], firstIndex + k));
        }
        return entries;
    }

    /// <summary>Reads and checks one entry's record: one read for records up to 4 KiB, a second for the rest of larger ones.</summary>
    private static Entry ReadEntry(SafeFileHandle handle, SegmentFile segment, long offset, long index)
    {
        var buffer = new byte[ReadAhead];
        var read = SegmentFile.Read(handle, buffer, offset);
        if (read < RecordFrame.HeaderBytes) throw new StorageCorruptedException(segment.Path, offset, $"entry {index}'s record header is cut short");
        var length = RecordFrame.PayloadLength(buffer);
        if (length > RecordFrame.MaxPayloadBytes) throw new StorageCorruptedException(segment.Path, offset, $"entry {index}'s record has an impossible length {length}");
        var total = RecordFrame.HeaderBytes + length;
        if (total > buffer.Length)
        {
            Array.Resize(ref buffer, total);
            read += SegmentFile.Read(handle, buffer.AsSpan(read), offset + read);
        }
        if (read < total) throw new StorageCorruptedException(segment.Path, offset, $"entry {index}'s record is cut short");
        return Decode(buffer, segment, offset, index);
    }

    /// <summary>Decodes the whole record at the start of <paramref name="record"/>, which must be entry <paramref name="index"/> with a good checksum.</summary>
    private static Entry Decode(ReadOnlySpan<byte> record, SegmentFile segment, long offset, long index)
    {
        var payload = record.Slice(RecordFrame.HeaderBytes, RecordFrame.PayloadLength(record));
        if (!RecordFrame.ChecksumMatches(record, payload) || !RecordFrame.IsWellFormed(payload, segment.Format)
            || RecordFrame.TypeOf(payload) != RecordType.Entry || RecordFrame.EntryIndex(payload) != index)
        {
            throw new StorageCorruptedException(segment.Path, offset, $"entry {index}'s record fails its checksum or is not entry {index}");
        }
        return RecordFrame.ReadEntry(payload, segment.Format);
    }
}

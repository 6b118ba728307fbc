namespace HttpRaft.Storage;

/// <summary>How a scanned record turned out.</summary>
internal enum RecordStatus
{
    /// <summary>A whole, checksummed, well-formed record.</summary>
    Valid,

    /// <summary>The file ends inside this record, or its checksum fails and it is the file's last: a write cut short, unless a valid record follows.</summary>
    Torn,

    /// <summary>A damaged record with more of the file after it.</summary>
    Damaged,
}

/// <summary>
/// Reads a segment's records in order for recovery, classifying each as valid, torn (cut short by a crash at the
/// end of the file) or damaged. It stops at the first record that is not valid.
/// </summary>
internal sealed class RecordReader : IDisposable
{
    private readonly FileStream stream;
    private readonly int format;
    private readonly byte[] header = new byte[RecordFrame.HeaderBytes];
    private byte[] payload = new byte[4096];

    /// <summary>Reads the records of the segment at <paramref name="path"/>, which start after its <paramref name="segmentHeader"/>.</summary>
    public RecordReader(string path, SegmentHeader segmentHeader)
    {
        stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1024 * 1024);
        Length = stream.Length;
        format = segmentHeader.Format;
        stream.Position = segmentHeader.DataStart;
    }

    public long Length { get; }

    /// <summary>Offset of the record last returned.</summary>
    public long Offset { get; private set; }

    /// <summary>Why the last record was torn or damaged.</summary>
    public string Problem { get; private set; } = "";

    /// <summary>The payload of the last valid record (valid until the next call).</summary>
    public ReadOnlySpan<byte> Payload => payload.AsSpan(0, payloadLength);

    private int payloadLength;

    /// <summary>Reads the next record; false at a clean end of file.</summary>
    public bool TryNext(out RecordStatus status)
    {
        Offset = stream.Position;
        var remaining = Length - Offset;
        status = RecordStatus.Valid;
        if (remaining == 0) return false;
        if (remaining < RecordFrame.HeaderBytes) return Fail(RecordStatus.Torn, $"the final record's header is cut short ({remaining} of {RecordFrame.HeaderBytes} bytes)", out status);
        stream.ReadExactly(header);
        var length = RecordFrame.PayloadLength(header);
        if (length == 0) return Fail(RecordStatus.Damaged, "record length is 0", out status);
        if (length > remaining - RecordFrame.HeaderBytes) return Fail(RecordStatus.Torn, $"the final record is cut short ({remaining - RecordFrame.HeaderBytes} of {length} payload bytes)", out status);
        if (length > RecordFrame.MaxPayloadBytes) return Fail(RecordStatus.Damaged, $"record length {length} is larger than any record", out status);
        if (payload.Length < length) payload = new byte[Math.Max(length, payload.Length * 2)];
        stream.ReadExactly(payload, 0, length);
        payloadLength = length;
        var last = Offset + RecordFrame.HeaderBytes + length == Length;
        if (!RecordFrame.ChecksumMatches(header, Payload))
        {
            return Fail(last ? RecordStatus.Torn : RecordStatus.Damaged, last ? "checksum mismatch in the final record" : "checksum mismatch", out status);
        }
        if (!RecordFrame.IsWellFormed(Payload, format)) return Fail(RecordStatus.Damaged, "record checksum matches but its contents are malformed", out status);
        return true;
    }

    /// <summary>True when every byte from <paramref name="offset"/> to the end of the file is zero (space allocated, never written).</summary>
    public bool IsZeroFrom(long offset)
    {
        stream.Position = offset;
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            if (buffer.AsSpan(0, read).ContainsAnyExcept((byte)0)) return false;
        }
        return true;
    }

    /// <summary>
    /// True when some offset after <paramref name="from"/> starts a whole record whose checksum matches. A crash
    /// tears only the end of the file, so damage followed by a valid record is corruption (for example a flipped
    /// bit in a length field), not a torn write, and must not be cut off.
    /// </summary>
    public bool HasValidRecordAfter(long from)
    {
        stream.Position = from;
        var rest = new byte[Length - from];
        stream.ReadExactly(rest);
        for (var start = 1; start + RecordFrame.HeaderBytes < rest.Length; start++)
        {
            if (IsValidRecordAt(rest.AsSpan(start), format)) return true;
        }
        return false;
    }

    public void Dispose() => stream.Dispose();

    private static bool IsValidRecordAt(ReadOnlySpan<byte> bytes, int format)
    {
        var length = RecordFrame.PayloadLength(bytes);
        if (length < RecordFrame.EntryPayloadHeader || length > bytes.Length - RecordFrame.HeaderBytes) return false;
        var payload = bytes.Slice(RecordFrame.HeaderBytes, length);
        return RecordFrame.IsWellFormed(payload, format) && RecordFrame.ChecksumMatches(bytes, payload);
    }

    private bool Fail(RecordStatus kind, string problem, out RecordStatus status)
    {
        status = kind;
        Problem = problem;
        return true;
    }
}

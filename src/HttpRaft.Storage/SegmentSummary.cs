namespace HttpRaft.Storage;

/// <summary>One segment file as a retention policy sees it: the first entry it holds, its size, and when it was last written.</summary>
/// <param name="FirstIndex">The first entry of the log held in this segment; a cut there frees every older segment.</param>
/// <param name="Bytes">The file's size.</param>
/// <param name="LastWritten">When it was last written: none of its entries is younger.</param>
public sealed record SegmentSummary(long FirstIndex, long Bytes, DateTimeOffset LastWritten);

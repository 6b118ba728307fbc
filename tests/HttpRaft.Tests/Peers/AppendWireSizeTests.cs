using HttpRaft.AspNetCore;
using HttpRaft.AspNetCore.Peers;
using HttpRaft.Consensus;

namespace HttpRaft.Tests.Peers;

/// <summary>Whatever the core batches into one AppendEntries, its frame fits the receiver's limits and passes its validator.</summary>
public sealed class AppendWireSizeTests
{
    private static readonly SizeLimits Limits = new RaftHostOptions().Limits;

    [Fact]
    public void A_full_append_of_tiny_entries_at_large_indexes_fits_the_frame_limit()
    {
        var entries = new List<Entry>();
        long counted = 0;
        // Empty entries are the most per byte counted; indexes and terms as large as accepted.
        for (var index = SizeLimits.MaxIndexOrTerm - 1_000_000; ; index++)
        {
            var entry = Entry.Normal(index, SizeLimits.MaxIndexOrTerm, default);
            if (entries.Count > 0 && counted + entry.Size > Limits.MaxAppendBytes) break;
            counted += entry.Size;
            entries.Add(entry);
        }
        var prev = entries[0].Index - 1;

        AssertAccepted(new AppendRequest(0, 1, SizeLimits.MaxIndexOrTerm, prev, SizeLimits.MaxIndexOrTerm, entries, prev));
    }

    [Theory]
    [InlineData(512 * 1024, 1024 * 1024)]
    [InlineData(1024 * 1024, 1024 * 1024)] // Entries as large as a whole message: the envelope must not push them over.
    public void The_largest_keyed_entry_alone_fits_and_is_accepted(int maxEntryBytes, long maxAppendBytes)
    {
        var limits = new SizeLimits(maxEntryBytes, 2 * maxAppendBytes, maxAppendBytes);
        // A client entry of MaxEntryBytes behind the host's largest envelope: one AppendEntries carries it alone.
        var entry = Entry.Normal(8, 3, new byte[limits.MaxStoredEntryBytes]);

        AssertAccepted(new AppendRequest(0, 1, 3, 7, 3, [entry], 7), limits);
    }

    private static void AssertAccepted(AppendRequest append) => AssertAccepted(append, Limits);

    private static void AssertAccepted(AppendRequest append, SizeLimits limits)
    {
        var frame = PeerStream.Frames(append);

        Assert.True(frame.Length <= limits.MaxPeerFrameBytes, $"{append.Entries.Count} entries: a frame of {frame.Length} bytes > limit {limits.MaxPeerFrameBytes}");
        Assert.Null(PeerMessageValidator.Validate(append, 1, 3, PeerMessageLimits.For(limits, append.Term)));
    }
}

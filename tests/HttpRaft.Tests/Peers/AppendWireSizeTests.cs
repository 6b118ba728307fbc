using System.Text.Json;
using HttpRaft.AspNetCore;
using HttpRaft.AspNetCore.Peers;
using HttpRaft.Consensus;

namespace HttpRaft.Tests.Peers;

/// <summary>Whatever the core batches into one AppendEntries, its JSON fits the receiver's body limit.</summary>
public sealed class AppendWireSizeTests
{
    [Fact]
    public void A_full_append_of_tiny_entries_at_large_indexes_fits_the_receivers_body_limit()
    {
        var options = new RaftHostOptions();
        var entries = new List<Entry>();
        long counted = 0;
        // 1-byte entries are the worst case: 25 bytes counted, about 80 on the wire; indexes and terms as large as accepted.
        for (var index = PeerMessageValidator.MaxValue - 1_000_000; ; index++)
        {
            var entry = Entry.Normal(index, PeerMessageValidator.MaxValue, new byte[] { (byte)'x' });
            if (entries.Count > 0 && counted + entry.Size > options.MaxAppendBytes) break;
            counted += entry.Size;
            entries.Add(entry);
        }
        var prev = entries[0].Index - 1;
        var append = new AppendRequest(0, 1, PeerMessageValidator.MaxValue, prev, PeerMessageValidator.MaxValue, entries, prev);

        var wire = JsonSerializer.SerializeToUtf8Bytes(append, PeerJsonContext.Default.AppendRequest);

        Assert.True(wire.Length <= options.MaxPeerMessageBytes, $"{entries.Count} entries, {counted} counted bytes, {wire.Length} on the wire > limit {options.MaxPeerMessageBytes}");
    }
}

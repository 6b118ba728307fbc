using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>An entry's rules: whose data it carries, what a truncation names, and when two entries are the same one.</summary>
public sealed class EntryTests
{
    [Fact]
    public void Only_a_normal_entry_carries_the_hosts_data()
    {
        // The host hands clients only their own entries; the core's no-ops, configurations and truncations are not theirs.
        Assert.True(Entry.Normal(1, 1, Logs.Payload("x")).IsClientEntry);
        Assert.False(Entry.NoOp(1, 1).IsClientEntry);
        Assert.False(Entry.ForConfiguration(1, 1, Configuration.Bootstrap([0])).IsClientEntry);
        Assert.False(Entry.ForTruncation(1, 1, 1).IsClientEntry);
    }

    [Fact]
    public void A_truncation_names_the_first_index_it_keeps_and_no_other_entry_names_one()
    {
        Assert.Equal(40, Entry.ForTruncation(50, 3, firstIndex: 40).TruncationFirstIndex);
        // Eight bytes of a client's data must never cut the log.
        Assert.Null(Entry.Normal(50, 3, new byte[8]).TruncationFirstIndex);
        // A truncation whose data is damaged names nothing rather than a wrong index, and does not throw.
        Assert.Null(new Entry(50, 3, EntryKind.TruncatePrefix, new byte[7]).TruncationFirstIndex);
    }

    [Theory]
    [InlineData("index")]
    [InlineData("term")]
    [InlineData("kind")]
    [InlineData("data")]
    public void Two_entries_are_the_same_only_with_the_same_index_term_kind_and_bytes(string difference)
    {
        // Log Matching (§5.3) compares index and term; the safety checks compare everything a node would apply.
        var entry = new Entry(5, 2, EntryKind.Normal, Logs.Payload("x"));
        var other = difference switch
        {
            "index" => entry with { Index = 6 },
            "term" => entry with { Term = 3 },
            "kind" => entry with { Kind = EntryKind.NoOp },
            "data" => entry with { Data = Logs.Payload("y") },
            _ => throw new ArgumentOutOfRangeException(nameof(difference), difference, null),
        };

        Assert.False(entry.SameAs(other));
        Assert.False(other.SameAs(entry));
        // Equal contents in another buffer are the same entry.
        Assert.True(entry.SameAs(new Entry(5, 2, EntryKind.Normal, Logs.Payload("x"))));
    }
}

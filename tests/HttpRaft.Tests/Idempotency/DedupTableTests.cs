using HttpRaft.AspNetCore.Idempotency;

namespace HttpRaft.Tests.Idempotency;

/// <summary>The table of remembered keys: forgotten oldest first as the window moves, and the first append with a key wins.</summary>
public sealed class DedupTableTests
{
    [Fact]
    public void Keys_whose_entries_leave_the_window_are_forgotten()
    {
        var table = new DedupTable();
        table.Add("a", Append(1));
        table.Add("b", Append(2));
        table.Add("c", Append(3));

        table.ForgetThrough(1);

        Assert.Equal(2, table.Count);
        Assert.False(table.TryGet("a", out _));
        Assert.True(table.TryGet("b", out var b) && b.FirstIndex == 2);
        Assert.True(table.TryGet("c", out var c) && c.FirstIndex == 3);
    }

    [Fact]
    public void A_second_append_with_a_known_key_does_not_change_its_answer()
    {
        var table = new DedupTable();
        table.Add("a", Append(1));
        table.Add("a", Append(7));

        Assert.True(table.TryGet("a", out var a));
        Assert.Equal(1, a.FirstIndex);
        Assert.Equal(1, table.Count);
    }

    private static KeyedAppend Append(long index) => new(index, index, 1, [1, 2, 3]);
}

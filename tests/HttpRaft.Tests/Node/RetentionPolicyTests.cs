using HttpRaft.AspNetCore;
using HttpRaft.AspNetCore.Node;
using HttpRaft.Storage;

namespace HttpRaft.Tests.Node;

/// <summary>
/// Where the leader cuts for the retention limits (docs/design.md §8): the newest entries or segments are kept, a cut
/// comes in steps, never passes what is committed and applied, and waits for a follower within the catch-up margin.
/// </summary>
public sealed class RetentionPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Without_limits_nothing_is_cut()
    {
        Assert.Null(RetentionPolicy.FirstIndexToKeep(new RetentionOptions(), State(commit: 1_000_000)));
    }

    [Fact]
    public void Max_entries_keeps_the_newest_committed_entries()
    {
        Assert.Equal(901, RetentionPolicy.FirstIndexToKeep(new RetentionOptions { MaxEntries = 100 }, State(commit: 1000)));
    }

    [Fact]
    public void Max_entries_waits_until_a_tenth_of_the_limit_is_due_so_a_busy_log_is_not_cut_at_every_check()
    {
        var options = new RetentionOptions { MaxEntries = 100 };

        Assert.Null(RetentionPolicy.FirstIndexToKeep(options, State(commit: 1009, first: 901)));
        Assert.Equal(911, RetentionPolicy.FirstIndexToKeep(options, State(commit: 1010, first: 901)));
    }

    [Fact]
    public void A_cut_never_passes_the_applied_index()
    {
        Assert.Equal(500, RetentionPolicy.FirstIndexToKeep(new RetentionOptions { MaxEntries = 100 }, State(commit: 1000, applied: 500)));
    }

    [Fact]
    public void A_follower_within_the_catch_up_margin_keeps_the_entries_it_still_needs()
    {
        var options = new RetentionOptions { MaxEntries = 100, CatchUpEntries = 5000 };

        Assert.Equal(601, RetentionPolicy.FirstIndexToKeep(options, State(commit: 1000, followers: [1000, 600])));
    }

    [Fact]
    public void A_follower_further_behind_than_the_margin_is_left_to_a_snapshot()
    {
        var options = new RetentionOptions { MaxEntries = 100, CatchUpEntries = 300 };

        Assert.Equal(901, RetentionPolicy.FirstIndexToKeep(options, State(commit: 1000, followers: [1000, 600])));
    }

    [Fact]
    public void A_follower_holding_the_cut_at_the_first_index_means_no_cut()
    {
        var options = new RetentionOptions { MaxEntries = 100, CatchUpEntries = 5000 };

        Assert.Null(RetentionPolicy.FirstIndexToKeep(options, State(commit: 1000, followers: [0])));
    }

    [Fact]
    public void Max_bytes_keeps_the_newest_whole_segments_within_the_limit()
    {
        var segments = new[] { Segment(1, 10), Segment(1001, 10), Segment(2001, 10), Segment(3001, 5) };

        Assert.Equal(2001, RetentionPolicy.FirstIndexToKeep(new RetentionOptions { MaxBytes = 20 }, State(commit: 3500, segments: segments)));
        Assert.Equal(1001, RetentionPolicy.FirstIndexToKeep(new RetentionOptions { MaxBytes = 25 }, State(commit: 3500, segments: segments)));
        Assert.Null(RetentionPolicy.FirstIndexToKeep(new RetentionOptions { MaxBytes = 35 }, State(commit: 3500, segments: segments)));
    }

    [Fact]
    public void The_newest_segment_stays_even_when_it_alone_is_over_max_bytes()
    {
        Assert.Equal(1001, RetentionPolicy.FirstIndexToKeep(new RetentionOptions { MaxBytes = 20 }, State(commit: 1500, segments: [Segment(1, 10), Segment(1001, 30)])));
        Assert.Null(RetentionPolicy.FirstIndexToKeep(new RetentionOptions { MaxBytes = 20 }, State(commit: 1500, segments: [Segment(1, 30)])));
    }

    [Fact]
    public void Max_age_deletes_segments_last_written_before_it_but_never_the_newest()
    {
        var options = new RetentionOptions { MaxAgeHours = 24 };
        var segments = new[] { Segment(1, 1, hoursAgo: 50), Segment(1001, 1, hoursAgo: 30), Segment(2001, 1, hoursAgo: 1) };
        var allOld = new[] { Segment(1, 1, hoursAgo: 50), Segment(1001, 1, hoursAgo: 49) };

        Assert.Equal(2001, RetentionPolicy.FirstIndexToKeep(options, State(commit: 2500, segments: segments)));
        Assert.Equal(1001, RetentionPolicy.FirstIndexToKeep(options, State(commit: 2500, segments: allOld)));
    }

    [Fact]
    public void The_limit_that_asks_for_the_most_wins()
    {
        var options = new RetentionOptions { MaxEntries = 2000, MaxAgeHours = 24 };
        var segments = new[] { Segment(1, 1, hoursAgo: 50), Segment(1001, 1, hoursAgo: 1) };

        Assert.Equal(1001, RetentionPolicy.FirstIndexToKeep(options, State(commit: 2500, segments: segments)));
    }

    private static SegmentSummary Segment(long firstIndex, long bytes, double hoursAgo = 0) => new(firstIndex, bytes, Now - TimeSpan.FromHours(hoursAgo));

    private static RetentionState State(long commit, long first = 1, long? applied = null, long[]? followers = null, SegmentSummary[]? segments = null) =>
        new(first, commit, applied ?? commit, followers ?? [commit, commit], segments ?? [], Now);
}

using System.Diagnostics;
using HttpRaft.AspNetCore.Observability;

namespace HttpRaft.Tests.Observability;

/// <summary>A follower's lag in time: the age of the oldest entry the leader appended that it is not known to hold.</summary>
public sealed class AppendTimesTests
{
    private static readonly long Second = Stopwatch.Frequency;

    [Fact]
    public void The_lag_is_the_age_of_the_first_batch_past_the_match_index()
    {
        var times = new AppendTimes();
        var start = 1_000 * Second;
        times.Appended(10, start);
        times.Appended(20, start + Second);
        times.Appended(30, start + 2 * Second);

        var now = start + 5 * Second;

        Assert.Equal(5000, times.LagMs(5, now), 1);
        Assert.Equal(4000, times.LagMs(10, now), 1);
        Assert.Equal(3000, times.LagMs(25, now), 1);
        Assert.Equal(0, times.LagMs(30, now));
    }

    [Fact]
    public void A_shorter_log_after_a_change_of_leader_forgets_the_batches_beyond_it()
    {
        var times = new AppendTimes();
        times.Appended(50, 1 * Second);
        times.Appended(40, 10 * Second);

        Assert.Equal(2000, times.LagMs(30, 12 * Second), 1);
        Assert.Equal(0, times.LagMs(40, 12 * Second));
    }
}

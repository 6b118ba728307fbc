using System.Diagnostics;
using HttpRaft.AspNetCore.Observability;

namespace HttpRaft.Tests.Observability;

/// <summary>The per-second p99 behind the dashboard's append and fsync sparklines.</summary>
public sealed class LatencyWindowTests
{
    private static long Ms(double ms) => (long)(ms * Stopwatch.Frequency / 1000);

    [Fact]
    public void The_99th_percentile_is_within_a_bucket_of_the_true_one()
    {
        var window = new LatencyWindow();
        for (var i = 1; i <= 1000; i++) window.Record(Ms(i / 10.0)); // 0.1 ms … 100 ms: the p99 is 99 ms

        var p99 = window.TakeP99Ms();

        Assert.NotNull(p99);
        Assert.InRange(p99.Value, 99, 99 * 1.25);
    }

    [Fact]
    public void Taking_the_percentile_starts_a_new_window()
    {
        var window = new LatencyWindow();
        window.Record(Ms(500));
        window.TakeP99Ms();

        window.Record(Ms(2));

        Assert.InRange(window.TakeP99Ms()!.Value, 2, 2.5);
        Assert.Null(window.TakeP99Ms());
    }
}

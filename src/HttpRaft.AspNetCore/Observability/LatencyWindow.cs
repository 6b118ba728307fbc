using System.Diagnostics;
using System.Numerics;

namespace HttpRaft.AspNetCore.Observability;

/// <summary>
/// Durations recorded into log-linear buckets (four per power of two, so a percentile is within 19 %), read as a
/// 99th percentile and cleared once per window. Owned by one thread: recording is a few integer operations and never
/// allocates, so it can sit on the node loop's path.
/// </summary>
internal sealed class LatencyWindow
{
    private const int SubBuckets = 4;
    private readonly long[] counts = new long[64 * SubBuckets];
    private long total;

    /// <summary>Records a duration in <see cref="Stopwatch"/> ticks.</summary>
    public void Record(long ticks)
    {
        counts[BucketOf(Math.Max(ticks, 1))]++;
        total++;
    }

    /// <summary>The 99th percentile of what was recorded since the last call, in milliseconds (null if nothing was); starts a new window.</summary>
    public double? TakeP99Ms()
    {
        if (total == 0) return null;
        var rank = (long)Math.Ceiling(total * 0.99);
        var seen = 0L;
        var bucket = 0;
        for (; bucket < counts.Length; bucket++)
        {
            seen += counts[bucket];
            if (seen >= rank) break;
        }
        Array.Clear(counts);
        total = 0;
        return UpperBoundOf(bucket) * 1000.0 / Stopwatch.Frequency;
    }

    private static int BucketOf(long ticks)
    {
        var power = BitOperations.Log2((ulong)ticks);
        var fraction = power >= 2 ? (int)((ticks >> (power - 2)) & (SubBuckets - 1)) : 0;
        return power * SubBuckets + fraction;
    }

    private static double UpperBoundOf(int bucket)
    {
        var power = bucket / SubBuckets;
        var fraction = bucket % SubBuckets;
        return Math.Pow(2, power) * (1 + (fraction + 1) / (double)SubBuckets);
    }
}

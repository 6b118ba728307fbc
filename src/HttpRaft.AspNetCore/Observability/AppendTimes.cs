using System.Diagnostics;

namespace HttpRaft.AspNetCore.Observability;

/// <summary>
/// When the leader appended what: one (last index, time) pair per persisted batch in a fixed ring, so a follower's
/// lag can be told in time as well as in entries: the age of the oldest entry it is not known to hold. Owned by the
/// node loop; recording never allocates.
/// </summary>
internal sealed class AppendTimes
{
    private const int Capacity = 4096;
    private readonly long[] lastIndexes = new long[Capacity];
    private readonly long[] timestamps = new long[Capacity];
    private long count;

    /// <summary>Notes that entries up to <paramref name="lastIndex"/> were appended at <paramref name="timestamp"/>.</summary>
    public void Appended(long lastIndex, long timestamp)
    {
        // A new leader's log may end below what an old term appended: older pairs no longer describe this log.
        while (count > 0 && lastIndexes[(count - 1) % Capacity] >= lastIndex) count--;
        lastIndexes[count % Capacity] = lastIndex;
        timestamps[count % Capacity] = timestamp;
        count++;
    }

    /// <summary>Forgets every pair, when this node stops leading.</summary>
    public void Clear() => count = 0;

    /// <summary>
    /// Milliseconds since the first batch holding an entry after <paramref name="matchIndex"/> was appended: 0 when
    /// nothing after it was recorded; the oldest recorded batch's age when the ring no longer reaches back that far.
    /// </summary>
    public double LagMs(long matchIndex, long now)
    {
        var oldest = Math.Max(0, count - Capacity);
        if (count == 0 || lastIndexes[(count - 1) % Capacity] <= matchIndex) return 0;
        // Binary search for the first pair whose last index is beyond the match index.
        long low = oldest, high = count - 1;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (lastIndexes[mid % Capacity] > matchIndex) high = mid;
            else low = mid + 1;
        }
        return Stopwatch.GetElapsedTime(timestamps[low % Capacity], now).TotalMilliseconds;
    }
}

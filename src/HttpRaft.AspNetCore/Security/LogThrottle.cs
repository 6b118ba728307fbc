namespace HttpRaft.AspNetCore.Security;

/// <summary>
/// Lets one log line through per interval and counts the rest, so a flood of rejected requests (a scan, a
/// misconfigured peer retrying every heartbeat) is visible without letting an attacker fill the disk with logs.
/// </summary>
public sealed class LogThrottle(TimeProvider time, TimeSpan interval)
{
    private readonly Lock gate = new();
    private long nextAllowed = long.MinValue;
    private int suppressed;

    /// <summary>True when a line may be written now; <paramref name="skipped"/> is how many were held back since the last one.</summary>
    public bool TryEnter(out int skipped)
    {
        var now = time.GetTimestamp();
        lock (gate)
        {
            if (now < nextAllowed)
            {
                suppressed++;
                skipped = 0;
                return false;
            }
            nextAllowed = now + (long)(interval.TotalSeconds * time.TimestampFrequency);
            skipped = suppressed;
            suppressed = 0;
            return true;
        }
    }
}

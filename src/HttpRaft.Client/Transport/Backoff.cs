namespace HttpRaft.Client.Transport;

/// <summary>
/// Exponential backoff with jitter, so that clients retrying after the same failure do not return in step.
/// Draws from one seeded <see cref="Random"/> per client, so a run can be replayed from its seed.
/// </summary>
internal sealed class Backoff(HttpRaftClientOptions options, int seed)
{
    private readonly Random random = new(seed);
    private readonly Lock gate = new();

    public int Seed { get; } = seed;

    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (1 for the first): half of the doubled backoff plus a
    /// random part up to the other half ("equal jitter"), so it never collapses to zero.
    /// </summary>
    public TimeSpan Next(int retry)
    {
        var exponent = Math.Min(Math.Max(retry, 1) - 1, 30);
        var ceiling = Math.Min(options.InitialBackoff.Ticks * Math.Pow(2, exponent), options.MaxBackoff.Ticks);
        double fraction;
        lock (gate) fraction = random.NextDouble();
        return TimeSpan.FromTicks((long)(ceiling / 2 + fraction * ceiling / 2));
    }

    /// <summary>
    /// The wait a server asked for with Retry-After, kept between the first backoff (a <c>Retry-After: 0</c> must not
    /// make a busy loop) and <see cref="HttpRaftClientOptions.MaxRetryAfter"/>; or the backoff when it asked for none.
    /// </summary>
    public TimeSpan After(TimeSpan? retryAfter, int retry) => retryAfter is { } asked
        ? TimeSpan.FromTicks(Math.Clamp(asked.Ticks, Math.Min(options.InitialBackoff.Ticks, options.MaxRetryAfter.Ticks), options.MaxRetryAfter.Ticks))
        : Next(retry);
}

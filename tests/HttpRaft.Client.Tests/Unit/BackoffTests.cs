using HttpRaft.Client.Transport;

namespace HttpRaft.Client.Tests.Unit;

/// <summary>The backoff doubles with jitter up to its cap, replays from its seed, and keeps Retry-After within bounds.</summary>
public sealed class BackoffTests(ITestOutputHelper output)
{
    private static readonly HttpRaftClientOptions Options = new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(100),
        MaxBackoff = TimeSpan.FromSeconds(1),
        MaxRetryAfter = TimeSpan.FromSeconds(3),
    };

    [Fact]
    public void Each_retry_waits_between_half_and_all_of_the_doubled_backoff_up_to_the_cap()
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var backoff = new Backoff(Options, seed);
        for (var retry = 1; retry <= 8; retry++)
        {
            var ceiling = TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, retry - 1), 1000));
            Assert.InRange(backoff.Next(retry), ceiling / 2, ceiling);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_waits()
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var first = new Backoff(Options, seed);
        var second = new Backoff(Options, seed);
        Assert.Equal(Enumerable.Range(1, 10).Select(first.Next), Enumerable.Range(1, 10).Select(second.Next));
    }

    [Fact]
    public void Retry_After_is_obeyed_within_the_first_backoff_and_MaxRetryAfter()
    {
        var backoff = new Backoff(Options, 1);
        Assert.Equal(TimeSpan.FromSeconds(2), backoff.After(TimeSpan.FromSeconds(2), 1));
        Assert.Equal(TimeSpan.FromSeconds(3), backoff.After(TimeSpan.FromHours(1), 1));
        Assert.Equal(TimeSpan.FromMilliseconds(100), backoff.After(TimeSpan.Zero, 1));
    }
}

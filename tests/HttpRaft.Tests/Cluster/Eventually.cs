using System.Diagnostics;

namespace HttpRaft.Tests.Cluster;

/// <summary>Polls a condition until it holds or a deadline passes: the cluster tests wait on state, never on fixed sleeps.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Returns the first non-null value <paramref name="probe"/> yields; fails with <paramref name="what"/> at the deadline.</summary>
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null)
        where T : class
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        while (true)
        {
            if (await probe() is { } value) return value;
            if (deadline.Elapsed > limit) throw new TimeoutException($"Timed out after {limit.TotalSeconds:0.#} s waiting for {what}.");
            await Task.Delay(25);
        }
    }

    public static Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        GetAsync(async () => await condition() ? "ok" : null, what, timeout);

    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        HoldsAsync(() => Task.FromResult(condition()), what, timeout);
}

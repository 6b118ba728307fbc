using System.Diagnostics;

namespace HttpRaft.EndToEnd.Tests;

/// <summary>Waits on a condition with a deadline: the tests poll state, never sleep for a fixed time.</summary>
internal static class Poll
{
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}.");
            await Task.Delay(25);
        }
    }

    /// <summary>Polls like <see cref="UntilAsync(Func{Task{bool}}, TimeSpan, string)"/>, but answers false at the deadline instead of throwing.</summary>
    public static async Task<bool> WithinAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout) return false;
            await Task.Delay(25);
        }
        return true;
    }
}

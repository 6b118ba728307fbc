using System.Globalization;

namespace HttpRaft.Tool.Output;

/// <summary>
/// A progress line on stderr for long operations, redrawn in place at most ten times a second. Shown only when stderr
/// is a terminal and the output is not JSON, so scripts and logs never see it.
/// </summary>
internal sealed class ProgressBar : IDisposable
{
    private const int Width = 30;
    private static readonly TimeSpan RedrawEvery = TimeSpan.FromMilliseconds(100);
    private readonly TextWriter error;
    private readonly long? total;
    private readonly string unit;
    private readonly TimeProvider time;
    private readonly long start;
    private TimeSpan? drawnAt;
    private bool drawn;

    public ProgressBar(TextWriter error, long? total, string unit, TimeProvider? time = null)
    {
        this.error = error;
        this.total = total;
        this.unit = unit;
        this.time = time ?? TimeProvider.System;
        start = this.time.GetTimestamp();
    }

    /// <summary>A bar on <paramref name="error"/> if it is the terminal's stderr and the output is for people; else null (no bar).</summary>
    public static ProgressBar? StartIfTerminal(TextWriter error, bool json, long? total, string unit) =>
        json || Console.IsErrorRedirected ? null : new ProgressBar(error, total, unit);

    /// <summary><paramref name="done"/> of the total (bytes of a file, say), and <paramref name="items"/> finished so far.</summary>
    public void Report(long done, long items, bool force = false)
    {
        var now = time.GetElapsedTime(start);
        if (!force && drawnAt is { } last && now - last < RedrawEvery) return;
        drawnAt = now;
        drawn = true;
        error.Write("\r" + Render(done, items, now));
        error.Flush();
    }

    /// <summary>The line for a given moment, e.g. <c>[###########...................]  37%  12,000 entries  3,400/s</c>.</summary>
    public string Render(long done, long items, TimeSpan elapsed)
    {
        var rate = elapsed.TotalSeconds > 0 ? items / elapsed.TotalSeconds : 0;
        var counts = string.Format(CultureInfo.InvariantCulture, "{0:N0} {1}  {2:N0}/s", items, unit, rate);
        if (total is not { } all || all <= 0) return counts;
        var fraction = Math.Clamp((double)done / all, 0, 1);
        var filled = (int)(fraction * Width);
        return string.Format(CultureInfo.InvariantCulture, "[{0}{1}] {2,3:0}%  {3}", new string('#', filled), new string('.', Width - filled), fraction * 100, counts);
    }

    /// <summary>Ends the bar's line, so that what is written next starts on its own; once.</summary>
    public void Dispose()
    {
        if (!drawn) return;
        drawn = false;
        error.WriteLine();
    }
}

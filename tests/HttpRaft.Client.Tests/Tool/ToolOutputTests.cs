using HttpRaft.Tool.Output;

namespace HttpRaft.Client.Tests.Tool;

/// <summary>The tool's table layout and progress line, without a process.</summary>
public sealed class ToolOutputTests
{
    [Fact]
    public void A_table_pads_each_column_to_its_widest_cell_but_not_the_last()
    {
        var text = Table.Render(["ID", "ROLE", "API"], [["0", "voter", "127.0.0.1:9000"], ["12", "learner", "h:1"]]);

        Assert.Equal("ID  ROLE     API\n0   voter    127.0.0.1:9000\n12  learner  h:1\n", text);
    }

    [Fact]
    public void The_progress_line_shows_the_share_done_the_count_and_the_rate()
    {
        var bar = new ProgressBar(TextWriter.Null, total: 1000, unit: "entries");

        Assert.Equal("[###############...............]  50%  2,000 entries  1,000/s", bar.Render(500, 2000, TimeSpan.FromSeconds(2)));
        Assert.Equal("[##############################] 100%  4,000 entries  2,000/s", bar.Render(1000, 4000, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void Without_a_total_the_progress_line_shows_the_count_and_the_rate()
    {
        var bar = new ProgressBar(TextWriter.Null, total: null, unit: "entries");

        Assert.Equal("12,000 entries  4,000/s", bar.Render(0, 12_000, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void The_progress_bar_draws_at_once_then_at_most_every_tenth_of_a_second_and_ends_its_line()
    {
        using var error = new StringWriter();
        // A clock that stands still: the second report comes "at once" after the first, however slow the machine.
        using (var bar = new ProgressBar(error, total: 100, unit: "entries", new Fakes.VirtualTime()))
        {
            bar.Report(10, 10);
            bar.Report(20, 20);
            bar.Report(100, 100, force: true);
        }

        var draws = error.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, draws.Length);
        Assert.StartsWith("[###.", draws[0], StringComparison.Ordinal);
        Assert.StartsWith("[##############################] 100%  100 entries  0/s", draws[1], StringComparison.Ordinal);
        Assert.EndsWith(Environment.NewLine, draws[1], StringComparison.Ordinal);
    }

    [Fact]
    public void The_progress_bar_stays_off_for_json_output()
    {
        Assert.Null(ProgressBar.StartIfTerminal(TextWriter.Null, json: true, total: 10, unit: "entries"));
    }
}

using System.Globalization;
using System.Text.Json;
using HttpRaft.Client.Tests.Cluster;
using HttpRaft.Tests.Cluster;

namespace HttpRaft.Client.Tests.Tool;

/// <summary>The built httpraft tool, run as a process against a live three-node cluster: append, read, tail and status.</summary>
[Collection(SharedClusterDefinition.Name)]
public sealed class ToolLogTests(SharedClusterFixture fixture, ITestOutputHelper output)
{
    private TestCluster Cluster => fixture.Cluster;

    private string AllEndpoints => string.Join(',', Cluster.Layout.Apis);

    [Fact]
    public async Task Append_of_one_entry_prints_where_it_committed()
    {
        var leader = await Cluster.WaitForLeaderAsync();

        // Only a follower is named: the tool must follow the redirect.
        var run = await ToolProcess.RunAsync(["append", "from the tool", "--endpoints", Cluster.Layout.Apis[Cluster.OtherThan(leader)]]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["INDEX", "LAST", "TERM", "REPLAYED", "KEY"], Columns(run.Lines[0]));
        var row = Columns(run.Lines[1]);
        Assert.Equal("no", row[3]);
        Assert.Equal("from the tool", (await Client().GetEntryAsync(long.Parse(row[0], CultureInfo.InvariantCulture), ReadConsistency.Linearizable))?.Entry);
    }

    [Fact]
    public async Task Append_of_several_entries_is_one_batch_and_its_key_makes_a_repeat_a_replay()
    {
        await Cluster.WaitForLeaderAsync();
        var key = $"tool-{Guid.NewGuid():N}";
        string[] arguments = ["append", "b1", "b2", "b3", "--key", key, "-o", "json", "-e", AllEndpoints];

        var first = await ToolProcess.RunAsync(arguments);
        var again = await ToolProcess.RunAsync(arguments);

        Assert.True(first.ExitCode == 0, first.ToString());
        using var appended = JsonDocument.Parse(first.Output);
        using var replayed = JsonDocument.Parse(again.Output);
        var index = appended.RootElement.GetProperty("index").GetInt64();
        Assert.Equal(index + 2, appended.RootElement.GetProperty("lastIndex").GetInt64());
        Assert.Equal(key, appended.RootElement.GetProperty("idempotencyKey").GetString());
        Assert.Equal(index, replayed.RootElement.GetProperty("index").GetInt64());
        Assert.True(replayed.RootElement.GetProperty("replayed").GetBoolean());
        var page = await Client().ReadAsync(index, 3, ReadConsistency.Linearizable);
        Assert.Equal(["b1", "b2", "b3"], page.Entries.Select(e => e.Entry));
    }

    [Fact]
    public async Task Append_from_a_file_sends_every_line_in_batches_in_order()
    {
        await Cluster.WaitForLeaderAsync();
        var lines = Enumerable.Range(0, 1234).Select(i => $"line {i} of a bulk load").ToList();
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(file, lines);

            var run = await ToolProcess.RunAsync(["append", "--file", file, "--batch-size", "100", "-o", "json", "-e", AllEndpoints]);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.DoesNotContain("[#", run.Error, StringComparison.Ordinal);
            using var summary = JsonDocument.Parse(run.Output);
            Assert.Equal(1234, summary.RootElement.GetProperty("entries").GetInt64());
            Assert.Equal(13, summary.RootElement.GetProperty("batches").GetInt32());
            var first = summary.RootElement.GetProperty("firstIndex").GetInt64();
            var last = summary.RootElement.GetProperty("lastIndex").GetInt64();
            var stored = await ReadRangeAsync(first, last);
            Assert.Equal(lines, stored.Select(e => e.Entry));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Append_reads_lines_from_stdin_when_given_no_entries()
    {
        await Cluster.WaitForLeaderAsync();

        var run = await ToolProcess.RunAsync(["append", "-e", AllEndpoints], stdin: "in 1\nin 2\nin 3\n");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["ENTRIES", "BATCHES", "FIRST", "LAST"], Columns(run.Lines[0]));
        var row = Columns(run.Lines[1]);
        Assert.Equal(["3", "1"], row[..2]);
        var stored = await ReadRangeAsync(long.Parse(row[2], CultureInfo.InvariantCulture), long.Parse(row[3], CultureInfo.InvariantCulture));
        Assert.Equal(["in 1", "in 2", "in 3"], stored.Select(e => e.Entry));
    }

    [Fact]
    public async Task Read_prints_the_entries_from_an_index_as_a_table_or_json()
    {
        await Cluster.WaitForLeaderAsync();
        var appended = await Client().AppendAsync(["r1", "r2", "r3"]);

        var table = await ToolProcess.RunAsync(["read", "--from", $"{appended.Index}", "--limit", "3", "--consistency", "linearizable", "-e", AllEndpoints]);
        var json = await ToolProcess.RunAsync(["read", "--from", $"{appended.Index}", "-n", "2", "-o", "json", "-e", AllEndpoints]);

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Equal(["INDEX", "TERM", "ENTRY"], Columns(table.Lines[0]));
        Assert.Equal(["r1", "r2", "r3"], table.Lines[1..].Select(l => Columns(l)[2]));
        using var page = JsonDocument.Parse(json.Output);
        var entries = page.RootElement.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal([appended.Index, appended.Index + 1], entries.Select(e => e.GetProperty("index").GetInt64()));
        Assert.True(page.RootElement.GetProperty("commitIndex").GetInt64() >= appended.LastIndex);
    }

    [Fact]
    public async Task Tail_without_follow_prints_the_end_of_the_log_and_exits()
    {
        await Cluster.WaitForLeaderAsync();
        var appended = await Client().AppendAsync(["t1", "t2"]);

        var run = await ToolProcess.RunAsync(["tail", "--from", $"{appended.Index}", "-e", AllEndpoints]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["t1", "t2"], run.Lines[1..].Select(l => Columns(l)[2]));
    }

    [Fact]
    public async Task Tail_follow_prints_each_entry_as_it_commits()
    {
        await Cluster.WaitForLeaderAsync();
        var client = Client();
        var start = await client.AppendAsync("f0");
        await using var tail = ToolProcess.Start(["tail", "-f", "--from", $"{start.Index}", "-o", "json", "-e", AllEndpoints]);
        await Eventually.HoldsAsync(() => tail.Output.Contains("\"f0\"", StringComparison.Ordinal), "tail -f to print the entry already there");

        await client.AppendAsync("f1");
        await client.AppendAsync("f2");

        await Eventually.HoldsAsync(() => tail.Output.Contains("\"f2\"", StringComparison.Ordinal), "tail -f to print the new entries");
        var printed = tail.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("entry").GetString());
        Assert.Equal(["f0", "f1", "f2"], printed);
    }

    [Fact]
    public async Task Status_prints_one_line_per_endpoint_with_one_leader()
    {
        var leader = await Cluster.WaitForLeaderAsync();

        var table = await ToolProcess.RunAsync(["status", "-e", AllEndpoints]);
        var json = await ToolProcess.RunAsync(["status", "-o", "json", "-e", AllEndpoints]);

        Assert.True(table.ExitCode == 0, table.ToString());
        var rows = table.Lines[1..].Select(Columns).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal($"{leader}", Assert.Single(rows, r => r[2] == "Leader")[1]);
        Assert.All(rows, r => Assert.Equal($"{leader}", r[4]));
        using var statuses = JsonDocument.Parse(json.Output);
        Assert.Equal([0, 1, 2], statuses.RootElement.EnumerateArray().Select(s => s.GetProperty("status").GetProperty("id").GetInt32()));
    }

    [Fact]
    public async Task Status_with_an_endpoint_that_does_not_answer_marks_it_and_exits_3()
    {
        await Cluster.WaitForLeaderAsync();
        var dead = $"127.0.0.1:{HttpRaft.Testing.FreePorts.Take(1)[0]}";

        var run = await ToolProcess.RunAsync(["status", "-e", $"{Cluster.Layout.Apis[0]},{dead}"]);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains(run.Lines, l => l.StartsWith($"http://{dead}", StringComparison.Ordinal) && l.Contains("unreachable", StringComparison.Ordinal));
        Assert.Contains(dead, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cluster_that_does_not_answer_makes_append_give_up_at_its_timeout_naming_the_key()
    {
        var dead = $"127.0.0.1:{HttpRaft.Testing.FreePorts.Take(1)[0]}";

        var run = await ToolProcess.RunAsync(["append", "lost", "--key", "retry-me", "--timeout", "1", "-e", dead]);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("retry-me", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("read", "--consistency", "eventual")]
    [InlineData("append", "x", "--file", "y")]
    [InlineData("tail", "--from", "0")]
    [InlineData("members", "remove")]
    public async Task A_wrong_command_line_exits_2_with_a_message(params string[] arguments)
    {
        var run = await ToolProcess.RunAsync([.. arguments, "-e", "127.0.0.1:1"]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("httpraft: ", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task Help_names_the_tool_httpraft_and_lists_every_command()
    {
        var run = await ToolProcess.RunAsync(["--help"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("httpraft [command] [options]", run.Output, StringComparison.Ordinal);
        foreach (var command in new[] { "append", "read", "tail", "status", "cluster", "members", "leader" })
        {
            Assert.Contains($"\n  {command} ", run.Output, StringComparison.Ordinal);
        }
    }

    private HttpRaftClient Client() => RealClient.For(Cluster, output);

    private async Task<List<LogEntry>> ReadRangeAsync(long first, long last)
    {
        var entries = new List<LogEntry>();
        for (var next = first; next <= last;)
        {
            var page = await Client().ReadAsync(next, 1000, ReadConsistency.Linearizable);
            entries.AddRange(page.Entries.Where(e => e.Index <= last));
            next = page.NextIndex ?? last + 1;
        }
        return entries;
    }

    private static string[] Columns(string line) => line.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

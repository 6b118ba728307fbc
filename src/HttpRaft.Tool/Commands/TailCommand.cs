using System.CommandLine;
using HttpRaft.Client;
using HttpRaft.Tool.Output;

namespace HttpRaft.Tool.Commands;

/// <summary><c>tail</c>: the last entries, and with <c>-f</c> every new one as it commits, across member failures.</summary>
internal static class TailCommand
{
    private static readonly Option<bool> Follow = new("--follow", "-f") { Description = "Keep printing entries as they commit, until interrupted." };

    private static readonly Option<long?> From = ReadOptions.From("Start at this index instead of the last --lines entries.");

    private static readonly Option<int> Lines = new("--lines", "-n")
    {
        Description = "Start this many indexes before the end of the log (internal no-op entries take indexes, so a few fewer entries may show).",
        DefaultValueFactory = _ => 10,
    };

    public static Command Create()
    {
        var command = new Command("tail", "Print the end of the log; with -f, follow it.") { Follow, From, Lines };
        Lines.Validators.Add(result =>
        {
            if (result.GetValue(Lines) < 0) result.AddError("--lines must be 0 or more.");
        });
        command.SetRunner(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var next = context.Parsed.GetValue(From) ?? await StartAsync(context, cancellationToken).ConfigureAwait(false);
        if (!context.Print.Json) await context.Print.LineAsync(Row("INDEX", "TERM", "ENTRY")).ConfigureAwait(false);
        if (!context.Parsed.GetValue(Follow))
        {
            while (true)
            {
                var page = await context.Client.ReadAsync(next, 1000, cancellationToken: cancellationToken).ConfigureAwait(false);
                foreach (var entry in page.Entries) await PrintAsync(context, entry).ConfigureAwait(false);
                if (page.NextIndex is not { } after) return ExitCodes.Success;
                next = after;
            }
        }
        try
        {
            await foreach (var entry in context.Client.TailAsync(next, cancellationToken).ConfigureAwait(false)) await PrintAsync(context, entry).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C is how tail -f ends.
        }
        return ExitCodes.Success;
    }

    /// <summary>Where the last --lines indexes begin, from the commit index any member reports.</summary>
    private static async Task<long> StartAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var probe = await context.Client.ReadAsync(null, 1, cancellationToken: cancellationToken).ConfigureAwait(false);
        var first = probe.FirstIndex ?? 1;
        return Math.Max(first, probe.CommitIndex - context.Parsed.GetValue(Lines) + 1);
    }

    private static Task PrintAsync(ToolContext context, LogEntry entry) => context.Print.Json
        ? context.Print.JsonAsync(entry, ToolJsonContext.Default.LogEntry)
        : context.Print.LineAsync(Row(Printer.Text(entry.Index), Printer.Text(entry.Term), entry.Entry));

    // Streamed rows cannot be measured in advance: fixed widths that fit indexes and terms of any real log.
    private static string Row(string index, string term, string entry) => $"{index,-10}  {term,-6}  {entry}";
}

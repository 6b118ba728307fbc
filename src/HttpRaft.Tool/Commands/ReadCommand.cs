using System.CommandLine;
using HttpRaft.Client;
using HttpRaft.Tool.Output;

namespace HttpRaft.Tool.Commands;

/// <summary><c>read</c>: committed entries from an index, paging through as many pages as <c>--limit</c> needs.</summary>
internal static class ReadCommand
{
    /// <summary>The server's largest page by default.</summary>
    private const int PageLimit = 1000;

    private static readonly Option<long?> From = ReadOptions.From("The first index to read (default: the first the log holds).");

    private static readonly Option<int> Limit = new("--limit", "-n") { Description = "At most this many entries.", DefaultValueFactory = _ => 100 };

    private static readonly Option<string> Consistency = ReadOptions.Consistency();

    public static Command Create()
    {
        var command = new Command("read", "Read committed entries.") { From, Limit, Consistency };
        Limit.Validators.Add(result =>
        {
            if (result.GetValue(Limit) < 1) result.AddError("--limit must be at least 1.");
        });
        command.SetRunner(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var remaining = context.Parsed.GetValue(Limit);
        var consistency = ReadOptions.ParseConsistency(context.Parsed.GetValue(Consistency));
        var next = context.Parsed.GetValue(From);
        var entries = new List<LogEntry>();
        LogPage page;
        do
        {
            page = await context.Client.ReadAsync(next, Math.Min(remaining, PageLimit), consistency, cancellationToken).ConfigureAwait(false);
            entries.AddRange(page.Entries);
            remaining -= page.Entries.Count;
            next = page.NextIndex;
        }
        while (remaining > 0 && next is not null);

        if (context.Print.Json) await context.Print.JsonAsync(new ReadOutput(entries, page.CommitIndex, page.FirstIndex), ToolJsonContext.Default.ReadOutput).ConfigureAwait(false);
        else await context.Print.EntriesAsync(entries).ConfigureAwait(false);
        return ExitCodes.Success;
    }
}

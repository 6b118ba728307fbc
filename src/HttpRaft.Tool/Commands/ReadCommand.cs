using System.CommandLine;
using HttpRaft.Client;
using HttpRaft.Tool.Output;

namespace HttpRaft.Tool.Commands;

/// <summary><c>read</c>: committed entries from an index, paging through as many pages as <c>--limit</c> needs.</summary>
internal static class ReadCommand
{
    /// <summary>The server's largest page by default.</summary>
    private const int PageLimit = 1000;

    private static readonly Option<long?> From = new("--from") { Description = "The first index to read (default: the first the log holds)." };

    private static readonly Option<int> Limit = new("--limit", "-n") { Description = "At most this many entries.", DefaultValueFactory = _ => 100 };

    private static readonly Option<string> Consistency = ConsistencyOption.Create();

    public static Command Create()
    {
        var command = new Command("read", "Read committed entries.") { From, Limit, Consistency };
        From.Validators.Add(result =>
        {
            if (result.GetValue(From) is < 1) result.AddError("--from must be at least 1.");
        });
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
        var consistency = ConsistencyOption.Parse(context.Parsed.GetValue(Consistency));
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

/// <summary>The <c>--consistency</c> option of the read commands.</summary>
internal static class ConsistencyOption
{
    public static Option<string> Create() => new Option<string>("--consistency")
    {
        Description = "local (what the answering member has committed) or linearizable (everything acknowledged before the read).",
        DefaultValueFactory = _ => "local",
    }.AcceptOnlyFromAmong("local", "linearizable");

    public static ReadConsistency Parse(string? value) => value == "linearizable" ? ReadConsistency.Linearizable : ReadConsistency.Local;
}

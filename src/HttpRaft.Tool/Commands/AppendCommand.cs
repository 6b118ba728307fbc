using System.CommandLine;
using System.Text;
using HttpRaft.Tool.Output;

namespace HttpRaft.Tool.Commands;

/// <summary>
/// <c>append</c>: entries from the command line (one, or several as one batch), or every line of a file or stdin,
/// sent in batches, with a progress bar.
/// </summary>
internal static class AppendCommand
{
    /// <summary>Entry bytes per batch, well under the server's 1 MiB body limit even after JSON escaping of ordinary text.</summary>
    private const int MaxBatchBytes = 256 * 1024;

    private static readonly Argument<string[]> Entries = new("entries")
    {
        Description = "Entries to append. Several are one batch: all or nothing, at consecutive indexes.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private static readonly Option<string?> File = new("--file")
    {
        Description = "Append every line of this file ('-' for stdin), in batches. Without entries or --file, lines are read from stdin when it is not a terminal.",
    };

    private static readonly Option<int> BatchSize = new("--batch-size")
    {
        Description = "Lines per batch when appending a file or stdin (at most 10000).",
        DefaultValueFactory = _ => 500,
    };

    private static readonly Option<string?> Key = new("--key")
    {
        Description = "The Idempotency-Key for entries given on the command line (default: a fresh one). Repeating the command with the same key appends nothing twice.",
    };

    public static Command Create()
    {
        var command = new Command("append", "Append entries to the log, exactly once, following the leader.") { Entries, File, BatchSize, Key };
        BatchSize.Validators.Add(result =>
        {
            if (result.GetValue(BatchSize) is < 1 or > 10_000) result.AddError("--batch-size must be between 1 and 10000.");
        });
        command.SetRunner(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var entries = context.Parsed.GetValue(Entries) ?? [];
        var file = context.Parsed.GetValue(File);
        if (entries.Length > 0 && file is not null) throw new UsageException("give entries or --file, not both.");
        if (entries.Length > 0) return await AppendArgumentsAsync(context, entries, cancellationToken).ConfigureAwait(false);
        if (context.Parsed.GetValue(Key) is not null) throw new UsageException("--key is for entries given on the command line; each batch of a file gets its own.");
        if (file is null && !Console.IsInputRedirected) throw new UsageException("nothing to append: give entries, --file PATH, or pipe lines to stdin.");
        return await AppendLinesAsync(context, file, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> AppendArgumentsAsync(ToolContext context, string[] entries, CancellationToken cancellationToken)
    {
        var key = context.Parsed.GetValue(Key);
        var result = entries.Length == 1
            ? await context.Client.AppendAsync(entries[0], key, cancellationToken).ConfigureAwait(false)
            : await context.Client.AppendAsync(entries, key, cancellationToken).ConfigureAwait(false);
        if (context.Print.Json) await context.Print.JsonAsync(result, ToolJsonContext.Default.AppendResult).ConfigureAwait(false);
        else await context.Print.TableAsync(
            ["INDEX", "LAST", "TERM", "REPLAYED", "KEY"],
            [[Printer.Text(result.Index), Printer.Text(result.LastIndex), Printer.Text(result.Term), result.Replayed ? "yes" : "no", result.IdempotencyKey]]).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static async Task<int> AppendLinesAsync(ToolContext context, string? file, CancellationToken cancellationToken)
    {
        var fromStdin = file is null or "-";
        using var reader = fromStdin ? new StreamReader(Console.OpenStandardInput(), Encoding.UTF8) : new StreamReader(file!, Encoding.UTF8);
        long? totalBytes = fromStdin ? null : reader.BaseStream.Length;
        using var progress = ProgressBar.StartIfTerminal(context.Print.Error, context.Print.Json, totalBytes, "entries");
        var batchSize = context.Parsed.GetValue(BatchSize);
        var batch = new List<string>();
        var batchBytes = 0;
        long bytesRead = 0, appended = 0;
        long? first = null, last = null;
        var batches = 0;

        async Task FlushAsync()
        {
            if (batch.Count == 0) return;
            try
            {
                var result = await context.Client.AppendAsync(batch, null, cancellationToken).ConfigureAwait(false);
                first ??= result.Index;
                last = result.LastIndex;
            }
            catch (Client.HttpRaftException) when (appended > 0)
            {
                progress?.Dispose();
                await context.Print.Error.WriteLineAsync($"httpraft: {appended} entries were appended (up to index {last}) before this batch failed.").ConfigureAwait(false);
                throw;
            }
            appended += batch.Count;
            batches++;
            batch.Clear();
            batchBytes = 0;
            progress?.Report(bytesRead, appended);
        }

        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            var bytes = Encoding.UTF8.GetByteCount(line);
            if (batch.Count >= batchSize || (batch.Count > 0 && batchBytes + bytes > MaxBatchBytes)) await FlushAsync().ConfigureAwait(false);
            bytesRead += bytes + 1;
            batch.Add(line);
            batchBytes += bytes;
        }
        await FlushAsync().ConfigureAwait(false);
        progress?.Report(totalBytes ?? bytesRead, appended, force: true);
        progress?.Dispose();

        var summary = new BulkAppendSummary(appended, batches, first, last);
        if (context.Print.Json) await context.Print.JsonAsync(summary, ToolJsonContext.Default.BulkAppendSummary).ConfigureAwait(false);
        else await context.Print.TableAsync(
            ["ENTRIES", "BATCHES", "FIRST", "LAST"],
            [[Printer.Text(appended), Printer.Text(batches), Printer.Text(first), Printer.Text(last)]]).ConfigureAwait(false);
        return ExitCodes.Success;
    }
}

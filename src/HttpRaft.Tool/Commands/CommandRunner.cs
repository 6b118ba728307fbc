using System.CommandLine;
using HttpRaft.Client;
using HttpRaft.Tool.Output;

namespace HttpRaft.Tool.Commands;

/// <summary>Runs a command's body with a client, and turns what it throws into a message on stderr and an exit code.</summary>
internal static class CommandRunner
{
    public static void SetRunner(this Command command, Func<ToolContext, CancellationToken, Task<int>> run) =>
        command.SetAction((parsed, cancellationToken) => RunAsync(parsed, run, cancellationToken));

    private static async Task<int> RunAsync(ParseResult parsed, Func<ToolContext, CancellationToken, Task<int>> run, CancellationToken cancellationToken)
    {
        var error = parsed.InvocationConfiguration.Error;
        try
        {
            using var services = GlobalOptions.CreateClient(parsed, out var client);
            var printer = new Printer(parsed.InvocationConfiguration.Output, error, GlobalOptions.Json(parsed));
            return await run(new ToolContext(client, parsed, printer), cancellationToken).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync($"httpraft: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        catch (HttpRaftAccessDeniedException e)
        {
            await error.WriteLineAsync($"httpraft: access denied ({(int)e.StatusCode!}): {e.Detail ?? e.Title} Check --api-key and its scope.").ConfigureAwait(false);
            return ExitCodes.Refused;
        }
        catch (HttpRaftProblemException e)
        {
            var detail = e.Detail is null ? "" : ": " + e.Detail;
            await error.WriteLineAsync($"httpraft: refused ({(int)e.StatusCode!} {e.Title ?? e.StatusCode.ToString()}){detail}").ConfigureAwait(false);
            return ExitCodes.Refused;
        }
        catch (HttpRaftUnavailableException e)
        {
            await error.WriteLineAsync($"httpraft: unavailable: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Unavailable;
        }
        catch (HttpRaftException e)
        {
            await error.WriteLineAsync($"httpraft: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Refused;
        }
        catch (IOException e)
        {
            await error.WriteLineAsync($"httpraft: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Refused;
        }
    }
}

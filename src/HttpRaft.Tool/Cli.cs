using System.CommandLine;
using System.CommandLine.Help;
using HttpRaft.Tool.Commands;

namespace HttpRaft.Tool;

/// <summary>The command tree and how a run ends: parse errors are usage errors (exit 2), everything else is the command's exit code.</summary>
internal static class Cli
{
    public static Command Build()
    {
        // Not a RootCommand, which is named after the executable: that is HttpRaft.Tool when run with dotnet, but the
        // command users type is httpraft.
        var root = new Command("httpraft", "Append to, read and tail an HttpRaft cluster's log, and manage its members.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        foreach (var option in GlobalOptions.All) root.Options.Add(option);
        root.Subcommands.Add(AppendCommand.Create());
        root.Subcommands.Add(ReadCommand.Create());
        root.Subcommands.Add(TailCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(ClusterCommand.Create());
        root.Subcommands.Add(MembersCommand.Create());
        root.Subcommands.Add(LeaderCommand.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var parsed = Build().Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors) await error.WriteLineAsync($"httpraft: {problem.Message}").ConfigureAwait(false);
            await error.WriteLineAsync("Run 'httpraft --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }).ConfigureAwait(false);
    }
}

using System.CommandLine;
using HttpRaft.Tool.Output;

namespace HttpRaft.Tool.Commands;

/// <summary><c>leader transfer [id]</c>: hands leadership to a voter (needs an <c>admin</c> key when keys are on).</summary>
internal static class LeaderCommand
{
    public static Command Create()
    {
        var target = new Argument<int?>("id")
        {
            Description = "The voter to lead next (default: the most up-to-date voter).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var transfer = new Command("transfer", "Transfer leadership, and wait until the new leader leads.") { target };
        transfer.SetRunner(async (context, cancellationToken) =>
        {
            var leader = await context.Client.TransferLeadershipAsync(context.Parsed.GetValue(target), cancellationToken).ConfigureAwait(false);
            if (context.Print.Json) await context.Print.JsonAsync(leader, ToolJsonContext.Default.LeaderInfo).ConfigureAwait(false);
            else await context.Print.TableAsync(["LEADER", "API"], [[Printer.Text(leader.Id), leader.Api]]).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        var command = new Command("leader", "Leadership: transfer it to another voter.");
        command.Subcommands.Add(transfer);
        return command;
    }
}

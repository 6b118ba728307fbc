using System.CommandLine;
using HttpRaft.Client;
using HttpRaft.Tool.Output;

namespace HttpRaft.Tool.Commands;

/// <summary><c>cluster</c>: the membership, from the leader when one is known, with each member's replication progress.</summary>
internal static class ClusterCommand
{
    public static Command Create()
    {
        var command = new Command("cluster", "Show the members, their roles and, from the leader, how far each has replicated.");
        command.SetRunner(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var cluster = await context.Client.GetClusterAsync(cancellationToken).ConfigureAwait(false);
        await PrintAsync(context, cluster).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    public static async Task PrintAsync(ToolContext context, ClusterInfo cluster)
    {
        if (context.Print.Json)
        {
            await context.Print.JsonAsync(cluster, ToolJsonContext.Default.ClusterInfo).ConfigureAwait(false);
            return;
        }
        await context.Print.LineAsync($"term {cluster.Term}, configuration at index {cluster.ConfigIndex}, tolerates {cluster.FailureTolerance} failed voter(s)").ConfigureAwait(false);
        await context.Print.TableAsync(
            ["ID", "ROLE", "PEER", "API", "LEADER", "MATCH", "LAG", "LAST CONTACT"],
            cluster.Members.Select(m => (IReadOnlyList<string>)
            [
                Printer.Text(m.Id), m.Role, m.Peer, m.Api, cluster.Leader?.Id == m.Id ? "*" : "",
                Printer.Text(m.MatchIndex), Printer.Text(m.Lag), m.LastContactMs is { } ms ? $"{Printer.Text(ms)} ms" : "-",
            ])).ConfigureAwait(false);
    }

    public static Task PrintMemberAsync(ToolContext context, ClusterMember member) => context.Print.Json
        ? context.Print.JsonAsync(member, ToolJsonContext.Default.ClusterMember)
        : context.Print.TableAsync(["ID", "ROLE", "PEER", "API"], [[Printer.Text(member.Id), member.Role, member.Peer, member.Api]]);
}

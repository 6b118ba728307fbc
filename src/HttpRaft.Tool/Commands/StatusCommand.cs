using System.CommandLine;
using HttpRaft.Client;
using HttpRaft.Tool.Output;

namespace HttpRaft.Tool.Commands;

/// <summary><c>status</c>: each endpoint's own view (role, term, leader, indexes), one line per endpoint, asked once each.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Show each endpoint's role, term, leader and log indexes. Exits 3 if any endpoint did not answer.");
        command.SetRunner(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var rows = new List<EndpointStatus>();
        foreach (var member in context.Client.Members)
        {
            var endpoint = member.GetLeftPart(UriPartial.Authority);
            try
            {
                rows.Add(new EndpointStatus(endpoint, await context.Client.GetStatusAsync(member, cancellationToken).ConfigureAwait(false), null));
            }
            catch (HttpRaftException e)
            {
                rows.Add(new EndpointStatus(endpoint, null, e.Message));
            }
        }
        if (context.Print.Json)
        {
            await context.Print.JsonAsync(rows, ToolJsonContext.Default.ListEndpointStatus).ConfigureAwait(false);
        }
        else
        {
            await context.Print.TableAsync(
                ["ENDPOINT", "ID", "ROLE", "TERM", "LEADER", "COMMIT", "APPLIED", "LAST"],
                rows.Select(Row)).ConfigureAwait(false);
            foreach (var failed in rows.Where(r => r.Error is not null)) await context.Print.Error.WriteLineAsync($"httpraft: {failed.Endpoint}: {failed.Error}").ConfigureAwait(false);
        }
        return rows.All(r => r.Status is not null) ? ExitCodes.Success : ExitCodes.Unavailable;
    }

    private static string[] Row(EndpointStatus row) => row.Status is { } s
        ? [row.Endpoint, Printer.Text(s.Id), s.Role, Printer.Text(s.Term), s.Leader is { } l ? Printer.Text(l.Id) : "-", Printer.Text(s.CommitIndex), Printer.Text(s.AppliedIndex), Printer.Text(s.LastIndex)]
        : [row.Endpoint, "-", "unreachable", "-", "-", "-", "-", "-"];
}

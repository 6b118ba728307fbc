using System.Text;
using HttpRaft.AspNetCore;

// An ASP.NET Core app of your own that is also a node of an HttpRaft cluster: AddHttpRaft() runs the node inside it,
// and the app's endpoints use the replicated log in-process through IRaftLog. Here, a replicated list of notes.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddHttpRaft(builder.Configuration.GetSection(RaftHostOptions.SectionName));
// The node's two addresses from the HttpRaft section: peers[id] for the other nodes, apis[id] for this app's routes.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenOnRaftAddresses());

var app = builder.Build();
app.MapHttpRaftPeers();

app.MapPost("/notes", async (Note note, IRaftLog log, CancellationToken cancellationToken) =>
{
    // The key makes a retry of the same note (same key) append at most once, even after a leader change.
    var result = await log.AppendAsync([Encoding.UTF8.GetBytes(note.Text)], note.Key, cancellationToken);
    if (result.Committed) return Results.Created($"/notes/{result.FirstIndex}", new { index = result.FirstIndex, result.Term });
    // Only the leader commits; tell the caller where it is (or that there is none yet).
    return Results.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable,
        detail: $"Not committed here ({result.Outcome}); the leader's API is {result.LeaderApi ?? "not known yet"}.");
});

app.MapGet("/notes", (IRaftLog log, long? from) =>
{
    var page = log.ReadCommitted(from ?? 1, 100);
    return new { notes = page.Entries.Select(e => new { e.Index, Text = Encoding.UTF8.GetString(e.Data.Span) }), page.AppliedIndex };
});

app.MapGet("/whoami", (IRaftLog log) => new { id = log.NodeId, role = log.View.Role.ToString(), leader = log.LeaderApiAddress });

await app.RunAsync();

/// <summary>A note to replicate, and optionally the key that makes its retries safe.</summary>
internal sealed record Note(string Text, string? Key = null);

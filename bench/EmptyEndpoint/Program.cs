using System.Text.Json;
using System.Text.Json.Serialization;
using EmptyEndpoint;

// EmptyEndpoint [--urls http://127.0.0.1:PORT]: POST /log reads {"entry": "..."} and answers 201 {"index": n, "term": 1}
// without storing anything, so bench/run.sh can measure what ASP.NET Core itself costs per request (the ceiling).
var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddConsole();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, EmptyJsonContext.Default));

var app = builder.Build();
long index = 0;
app.MapPost("/log", (AppendRequest request) =>
{
    if (request.Entry is null) return Results.BadRequest();
    var appended = new AppendedEntry(Interlocked.Increment(ref index), 1);
    return Results.Created((string?)null, appended);
});
await app.RunAsync().ConfigureAwait(false);

namespace EmptyEndpoint
{
    /// <summary>The body of <c>POST /log</c>, as HttpRaft reads it.</summary>
    /// <param name="Entry">The entry's text; only checked for presence.</param>
    internal sealed record AppendRequest(string? Entry);

    /// <summary>The answer to <c>POST /log</c>, in HttpRaft's shape.</summary>
    /// <param name="Index">A counter standing in for the log index.</param>
    /// <param name="Term">Always 1.</param>
    internal sealed record AppendedEntry(long Index, long Term);

    /// <summary>Source-generated JSON for the two bodies, with web (camelCase) naming.</summary>
    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
    [JsonSerializable(typeof(AppendRequest))]
    [JsonSerializable(typeof(AppendedEntry))]
    internal sealed partial class EmptyJsonContext : JsonSerializerContext;
}

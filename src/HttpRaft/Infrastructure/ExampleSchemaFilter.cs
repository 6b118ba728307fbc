using System.Text.Json.Nodes;
using HttpRaft.Api;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace HttpRaft.Infrastructure;

/// <summary>Gives each client DTO's schema an example, so Swagger UI pre-fills requests and shows realistic answers.</summary>
internal sealed class ExampleSchemaFilter : ISchemaFilter
{
    private static readonly Dictionary<Type, string> Examples = new()
    {
        [typeof(EntryRequest)] = """{"entry": "Message 1"}""",
        [typeof(RequestResponse)] = """{"success": true, "leader": "localhost:9000", "index": 2, "term": 1}""",
        [typeof(AppendedEntry)] = """{"index": 2, "term": 1}""",
        [typeof(LeaderHint)] = """{"leader": "localhost:9000"}""",
        [typeof(LogEntry)] = """{"index": 2, "term": 1, "entry": "Message 1"}""",
        [typeof(LogPageResponse)] = """{"entries": [{"index": 2, "term": 1, "entry": "Message 1"}, {"index": 3, "term": 1, "entry": "Message 2"}], "commitIndex": 3, "consistency": "linearizable", "readIndex": 3}""",
        [typeof(StatusResponse)] = """
            {"id": 0, "role": "Leader", "term": 1, "leader": {"id": 0, "api": "localhost:9000"}, "commitIndex": 3, "appliedIndex": 3, "lastIndex": 3,
             "peers": [{"id": 1, "api": "localhost:9001", "matchIndex": 3, "nextIndex": 4, "recentActive": true}],
             "storage": {"dataDir": "/srv/httpraft/data/node-0", "fsync": "Always", "segments": 1, "bytes": 512}}
            """,
        [typeof(HealthResponse)] = """{"status": "Healthy", "description": "Node 0 is Leader in term 1; leader is node 0."}""",
    };

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (schema is OpenApiSchema concrete && Examples.TryGetValue(context.Type, out var example)) concrete.Example = JsonNode.Parse(example);
    }
}

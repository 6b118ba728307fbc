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
        [typeof(LogPageResponse)] = """{"entries": [{"index": 2, "term": 1, "entry": "Message 1"}, {"index": 3, "term": 1, "entry": "Message 2"}], "commitIndex": 3, "consistency": "linearizable", "readIndex": 3, "firstIndex": 1}""",
        [typeof(StatusResponse)] = """
            {"id": 0, "role": "Leader", "term": 1, "leader": {"id": 0, "api": "localhost:9000"}, "commitIndex": 3, "appliedIndex": 3, "lastIndex": 3, "firstIndex": 1,
             "peers": [{"id": 1, "api": "localhost:9001", "matchIndex": 3, "nextIndex": 4, "recentActive": true}],
             "storage": {"dataDir": "/srv/httpraft/data/node-0", "fsync": "Always", "segments": 1, "bytes": 512, "firstIndex": 1, "snapshotIndex": 0, "openFiles": 1}}
            """,
        [typeof(TruncateResponse)] = """{"firstIndex": 1000, "lastIndex": 1500, "commitIndex": 1500}""",
        [typeof(ClusterResponse)] = """
            {"leader": {"id": 0, "api": "localhost:9000"}, "term": 2, "configIndex": 7, "failureTolerance": 1,
             "members": [{"id": 0, "peer": "localhost:8000", "api": "localhost:9000", "role": "voter", "matchIndex": 42, "lag": 0, "lastContactMs": 0},
                         {"id": 1, "peer": "localhost:8001", "api": "localhost:9001", "role": "voter", "matchIndex": 42, "lag": 0, "lastContactMs": 100},
                         {"id": 2, "peer": "localhost:8002", "api": "localhost:9002", "role": "voter", "matchIndex": 41, "lag": 1, "lastContactMs": 100},
                         {"id": 3, "peer": "localhost:8003", "api": "localhost:9003", "role": "learner", "matchIndex": 30, "lag": 12, "lastContactMs": 200}]}
            """,
        [typeof(MemberResponse)] = """{"id": 3, "peer": "localhost:8003", "api": "localhost:9003", "role": "learner"}""",
        [typeof(AddMemberRequest)] = """{"peer": "localhost:8003", "api": "localhost:9003", "role": "learner"}""",
        [typeof(TransferRequest)] = """{"id": 1}""",
        [typeof(LeaderResponse)] = """{"leader": {"id": 1, "api": "localhost:9001"}}""",
        [typeof(HealthResponse)] = """{"status": "Healthy", "description": "Node 0 is Leader in term 1; leader is node 0."}""",
    };

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (schema is OpenApiSchema concrete && Examples.TryGetValue(context.Type, out var example)) concrete.Example = JsonNode.Parse(example);
    }
}

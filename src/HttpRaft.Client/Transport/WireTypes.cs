using System.Text.Json;
using System.Text.Json.Serialization;

namespace HttpRaft.Client.Transport;

/// <summary>The body of <c>POST /log</c>: one <c>entry</c> or a batch of <c>entries</c>.</summary>
internal sealed record AppendBody(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Entry,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Entries);

/// <summary>The 201 of <c>POST /log</c>.</summary>
internal sealed record AppendedBody(long Index, long Term, long? LastIndex);

/// <summary>The body of a 307: the leader's API address.</summary>
internal sealed record LeaderHintBody(string? Leader);

/// <summary>The body of <c>POST /cluster/members</c>.</summary>
internal sealed record AddMemberBody(string Peer, string Api, string Role);

/// <summary>The body of <c>POST /cluster/leader</c>: a target, or <c>{}</c> for the most up-to-date voter.</summary>
internal sealed record TransferBody([property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Id);

/// <summary>The 200 of <c>POST /cluster/leader</c>.</summary>
internal sealed record TransferredBody(LeaderInfo Leader);

/// <summary>An RFC 7807 problem; members beyond the standard five land in <see cref="Extensions"/>.</summary>
internal sealed class ProblemBody
{
    public string? Type { get; set; }

    public string? Title { get; set; }

    public int? Status { get; set; }

    public string? Detail { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extensions { get; set; }
}

/// <summary>Source-generated serializers for everything the client sends and reads (camelCase, as the server writes).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(AppendBody))]
[JsonSerializable(typeof(AppendedBody))]
[JsonSerializable(typeof(LeaderHintBody))]
[JsonSerializable(typeof(AddMemberBody))]
[JsonSerializable(typeof(TransferBody))]
[JsonSerializable(typeof(TransferredBody))]
[JsonSerializable(typeof(ProblemBody))]
[JsonSerializable(typeof(LogEntry))]
[JsonSerializable(typeof(LogPage))]
[JsonSerializable(typeof(NodeStatus))]
[JsonSerializable(typeof(ClusterInfo))]
[JsonSerializable(typeof(ClusterMember))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;

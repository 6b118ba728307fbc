using System.Text.Json;
using System.Text.Json.Serialization;
using HttpRaft.Client;

namespace HttpRaft.Tool.Output;

/// <summary>What <c>append</c> from a file or stdin did.</summary>
/// <param name="Entries">Entries appended.</param>
/// <param name="Batches">Batches they went in, each appended all or nothing under its own idempotency key.</param>
/// <param name="FirstIndex">The first entry's index, or null when there was nothing to append.</param>
/// <param name="LastIndex">The last entry's index, or null when there was nothing to append.</param>
internal sealed record BulkAppendSummary(long Entries, int Batches, long? FirstIndex, long? LastIndex);

/// <summary>What <c>read</c> found, over one or more pages.</summary>
/// <param name="Entries">The entries, in index order.</param>
/// <param name="CommitIndex">The commit index of the member that answered the last page.</param>
/// <param name="FirstIndex">The first index the log holds, when the server says.</param>
internal sealed record ReadOutput(IReadOnlyList<LogEntry> Entries, long CommitIndex, long? FirstIndex);

/// <summary>One endpoint's line of <c>status</c>: its status, or why it gave none.</summary>
/// <param name="Endpoint">The endpoint asked.</param>
/// <param name="Status">What it answered.</param>
/// <param name="Error">Why it did not.</param>
internal sealed record EndpointStatus(
    string Endpoint,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] NodeStatus? Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error);

/// <summary>Source-generated JSON for everything the tool prints (camelCase, as the server writes).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(LogEntry))]
[JsonSerializable(typeof(AppendResult))]
[JsonSerializable(typeof(BulkAppendSummary))]
[JsonSerializable(typeof(ReadOutput))]
[JsonSerializable(typeof(List<EndpointStatus>))]
[JsonSerializable(typeof(ClusterInfo))]
[JsonSerializable(typeof(ClusterMember))]
[JsonSerializable(typeof(LeaderInfo))]
internal sealed partial class ToolJsonContext : JsonSerializerContext;

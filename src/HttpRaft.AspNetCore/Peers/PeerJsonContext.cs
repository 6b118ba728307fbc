using System.Text.Json.Serialization;
using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// Source-generated JSON contracts for the peer messages: the core's message records are the wire DTOs.
/// Every constructor parameter is required and nulls are refused, so a truncated body is a 400, not a zero.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    Converters = [typeof(EntryJsonConverter)])]
[JsonSerializable(typeof(VoteRequest))]
[JsonSerializable(typeof(VoteResponse))]
[JsonSerializable(typeof(AppendRequest))]
[JsonSerializable(typeof(AppendResponse))]
[JsonSerializable(typeof(Heartbeat))]
[JsonSerializable(typeof(HeartbeatResponse))]
[JsonSerializable(typeof(ReadIndexRequest))]
[JsonSerializable(typeof(ReadIndexResponse))]
internal sealed partial class PeerJsonContext : JsonSerializerContext;

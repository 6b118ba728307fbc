using System.Text.Json.Serialization.Metadata;
using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// One peer message kind on the wire: its route under <c>/raft/</c> and its JSON contract. The sender and the
/// receiving endpoints both use this table, so the two sides cannot disagree.
/// </summary>
internal sealed record PeerRoute(string Name, Type MessageType, JsonTypeInfo TypeInfo)
{
    public const string Prefix = "/raft";

    public static IReadOnlyList<PeerRoute> All { get; } =
    [
        new("vote", typeof(VoteRequest), PeerJsonContext.Default.VoteRequest),
        new("vote-response", typeof(VoteResponse), PeerJsonContext.Default.VoteResponse),
        new("append", typeof(AppendRequest), PeerJsonContext.Default.AppendRequest),
        new("append-response", typeof(AppendResponse), PeerJsonContext.Default.AppendResponse),
        new("heartbeat", typeof(Heartbeat), PeerJsonContext.Default.Heartbeat),
        new("heartbeat-response", typeof(HeartbeatResponse), PeerJsonContext.Default.HeartbeatResponse),
        new("read-index", typeof(ReadIndexRequest), PeerJsonContext.Default.ReadIndexRequest),
        new("read-index-response", typeof(ReadIndexResponse), PeerJsonContext.Default.ReadIndexResponse),
    ];

    private static readonly Dictionary<Type, PeerRoute> ByType = All.ToDictionary(r => r.MessageType);

    public string Path => $"{Prefix}/{Name}";

    public static PeerRoute Of(Message message) =>
        ByType.TryGetValue(message.GetType(), out var route)
            ? route
            : throw new ArgumentException($"No peer route for {message.GetType().Name}.", nameof(message));
}

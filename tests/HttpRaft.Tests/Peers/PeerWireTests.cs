using System.Text.Json;
using HttpRaft.AspNetCore.Peers;
using HttpRaft.Consensus;

namespace HttpRaft.Tests.Peers;

/// <summary>Every message kind has a route and survives the trip through its JSON contract unchanged.</summary>
public sealed class PeerWireTests
{
    public static TheoryData<Message> Messages() =>
    [
        new VoteRequest(1, 0, 4, true, 10, 3),
        new VoteResponse(0, 1, 4, false, true),
        new AppendRequest(1, 0, 4, 9, 3, [Entry.Normal(10, 4, "hello"u8.ToArray()), Entry.NoOp(11, 4)], 9),
        new AppendResponse(0, 1, 4, false, 9, 7, 2),
        new Heartbeat(1, 2, 4, 8, 17),
        new HeartbeatResponse(2, 1, 4, 17),
        new ReadIndexRequest(2, 1, 4, 99),
        new ReadIndexResponse(1, 2, 4, 99, true, 12),
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void A_message_round_trips_through_its_routes_contract(Message message)
    {
        var route = PeerRoute.Of(message);

        var bytes = JsonSerializer.SerializeToUtf8Bytes(message, route.TypeInfo);
        var back = (Message)JsonSerializer.Deserialize(bytes, route.TypeInfo)!;

        Assert.Equal(Normalize(message), Normalize(back));
    }

    [Fact]
    public void Every_message_kind_of_the_core_has_exactly_one_route()
    {
        var kinds = typeof(Message).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Message)) && !t.IsAbstract).ToHashSet();

        Assert.Equal(kinds, PeerRoute.All.Select(r => r.MessageType).ToHashSet());
        Assert.Equal(PeerRoute.All.Count, PeerRoute.All.Select(r => r.Path).Distinct().Count());
    }

    [Theory]
    [InlineData("""{"index": 1, "term": 1, "kind": 0}""")]
    [InlineData("""{"index": 1, "term": 1, "kind": 0, "data": "", "size": 24}""")]
    [InlineData("""{"index": 1, "term": 1, "kind": 0, "data": "not base64!"}""")]
    public void Entries_are_read_strictly(string entry)
    {
        var json = $$"""{"from": 1, "to": 0, "term": 1, "prevLogIndex": 0, "prevLogTerm": 0, "leaderCommit": 0, "entries": [{{entry}}]}""";

        Assert.ThrowsAny<Exception>(() => JsonSerializer.Deserialize(json, PeerRoute.Of(new AppendRequest(0, 0, 0, 0, 0, [], 0)).TypeInfo));
    }

    /// <summary>Records compare entries' payloads by reference; compare them by content instead.</summary>
    internal static string Normalize(Message message) => message is AppendRequest append
        ? $"{append with { Entries = [] }} {string.Join(",", append.Entries.Select(e => $"{e.Index}/{e.Term}/{e.Kind}/{Convert.ToBase64String(e.Data.Span)}"))}"
        : message.ToString();
}

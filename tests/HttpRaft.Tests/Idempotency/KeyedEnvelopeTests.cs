using System.Text;
using HttpRaft.AspNetCore;
using HttpRaft.AspNetCore.Idempotency;
using HttpRaft.Storage;

namespace HttpRaft.Tests.Idempotency;

/// <summary>How the host frames client entries: the tag, and for a keyed append the key, request hash and count; readers get exactly the client's bytes.</summary>
public sealed class KeyedEnvelopeTests
{
    [Fact]
    public void A_keyed_append_gives_back_its_header_and_the_clients_bytes()
    {
        ReadOnlyMemory<byte>[] entries = [Bytes("hello"), Bytes("world")];
        var hash = KeyedEnvelope.HashOf(entries);

        var data = ClientPayload.Frame(entries, new KeyedHeader("order-42", hash, 2));

        var header = ClientPayload.KeyedHeaderOf(data[0].Span)!;
        Assert.Equal("order-42", header.Key);
        Assert.Equal(hash, header.RequestHash);
        Assert.Equal(2, header.EntryCount);
        Assert.Equal(["hello", "world"], data.Select(d => Encoding.UTF8.GetString(ClientPayload.ClientData(d).Span)));
        Assert.Null(ClientPayload.KeyedHeaderOf(data[1].Span));
    }

    [Fact]
    public void A_plain_append_is_the_clients_bytes_behind_the_plain_tag()
    {
        var data = ClientPayload.Frame([Bytes("a"), Bytes(""), Bytes("bc")], keyed: null);

        Assert.All(data, d => Assert.Equal(PayloadTag.Plain, d.Span[0]));
        Assert.Equal(["a", "", "bc"], data.Select(d => Encoding.UTF8.GetString(ClientPayload.ClientData(d).Span)));
        Assert.All(data, d => Assert.Null(ClientPayload.KeyedHeaderOf(d.Span)));
    }

    [Fact]
    public void An_empty_client_entry_with_the_longest_key_takes_the_largest_overhead()
    {
        var key = new string('k', IdempotencyKey.MaxLength);
        ReadOnlyMemory<byte>[] entries = [ReadOnlyMemory<byte>.Empty];

        var data = ClientPayload.Frame(entries, new KeyedHeader(key, KeyedEnvelope.HashOf(entries), 1))[0];

        Assert.Equal(ClientPayload.MaxOverhead, data.Length);
        Assert.Equal(key, ClientPayload.KeyedHeaderOf(data.Span)!.Key);
        Assert.True(ClientPayload.ClientData(data).IsEmpty);
    }

    [Fact]
    public void The_request_hash_tells_apart_other_entries_and_another_split_of_the_same_bytes()
    {
        var one = KeyedEnvelope.HashOf([Bytes("ab")]);
        Assert.Equal(one, KeyedEnvelope.HashOf([Bytes("ab")]));
        Assert.NotEqual(one, KeyedEnvelope.HashOf([Bytes("ac")]));
        Assert.NotEqual(one, KeyedEnvelope.HashOf([Bytes("a"), Bytes("b")]));
    }

    [Fact]
    public void Data_too_short_for_a_header_has_none()
    {
        Assert.Null(KeyedEnvelope.ReadHeader([]));
        Assert.Null(KeyedEnvelope.ReadHeader([5, (byte)'a']));
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("550e8400-e29b-41d4-a716-446655440000", true)]
    [InlineData("!~", true)]
    [InlineData("", false)]
    [InlineData("with space", false)]
    [InlineData("line\nbreak", false)]
    [InlineData("caf\u00e9", false)]
    public void Keys_are_visible_ascii(string key, bool valid) => Assert.Equal(valid, IdempotencyKey.IsValid(key));

    [Fact]
    public void Keys_are_at_most_128_characters()
    {
        Assert.True(IdempotencyKey.IsValid(new string('x', 128)));
        Assert.False(IdempotencyKey.IsValid(new string('x', 129)));
    }

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);
}

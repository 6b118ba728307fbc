using System.Text;
using HttpRaft.AspNetCore.Idempotency;

namespace HttpRaft.Tests.Idempotency;

/// <summary>The envelope a keyed entry carries: the key, request hash and count come back out, and readers get exactly the client's bytes.</summary>
public sealed class KeyedEnvelopeTests
{
    [Fact]
    public void A_wrapped_entry_gives_back_its_header_and_the_clients_bytes()
    {
        var hash = KeyedEnvelope.HashOf([Bytes("hello"), Bytes("world")]);
        var data = KeyedEnvelope.Wrap(new KeyedHeader("order-42", hash, 2), Bytes("hello").Span);

        var header = KeyedEnvelope.ReadHeader(data)!;
        Assert.Equal("order-42", header.Key);
        Assert.Equal(hash, header.RequestHash);
        Assert.Equal(2, header.EntryCount);
        Assert.Equal("hello", Encoding.UTF8.GetString(KeyedEnvelope.ClientData(data).Span));
    }

    [Fact]
    public void An_empty_client_entry_with_the_longest_key_round_trips()
    {
        var key = new string('k', IdempotencyKey.MaxLength);
        var data = KeyedEnvelope.Wrap(new KeyedHeader(key, KeyedEnvelope.HashOf([ReadOnlyMemory<byte>.Empty]), 1), default);

        Assert.Equal(KeyedEnvelope.MaxOverhead, data.Length);
        Assert.Equal(key, KeyedEnvelope.ReadHeader(data)!.Key);
        Assert.True(KeyedEnvelope.ClientData(data).IsEmpty);
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

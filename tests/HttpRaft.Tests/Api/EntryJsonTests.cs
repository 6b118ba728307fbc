using System.Buffers;
using System.Text;
using System.Text.Json;
using HttpRaft.Api;

namespace HttpRaft.Tests.Api;

/// <summary>
/// POST /log's hand-written body reader takes only the two plain shapes, reads them as the serializer would, and leaves
/// every other body to the serializer (whose answers BadInputTests pin).
/// </summary>
public sealed class EntryJsonTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Theory]
    [InlineData("""{"entry":"hello"}""")]
    [InlineData(""" { "entry" : "tab\there, quote \" and \u00e9" } """)]
    [InlineData("""{"entry":""}""")]
    [InlineData("""{"entries":["a","b\nc",""]}""")]
    [InlineData("""{"entries":[]}""")]
    public void A_plain_body_is_read_as_the_serializer_reads_it(string body)
    {
        Assert.True(EntryJson.TryRead(Bytes(body), out var fast));

        var expected = JsonSerializer.Deserialize<EntryRequest>(body, Web)!;
        Assert.Equal(expected.Entry, fast!.Entry);
        Assert.Equal(expected.Entries, fast.Entries);
    }

    [Theory]
    [InlineData("""{"Entry":"other casing"}""")]
    [InlineData("""{"entry":"a","entry":"repeated"}""")]
    [InlineData("""{"entry":null}""")]
    [InlineData("""{"entry":42}""")]
    [InlineData("""{"entry":"a","extra":1}""")]
    [InlineData("""{"entries":["a",null]}""")]
    [InlineData("""{"entries":"not an array"}""")]
    [InlineData("""{"entry":"a"} trailing""")]
    [InlineData("""{"entry":"unterminated""")]
    [InlineData("""["entry"]""")]
    [InlineData("")]
    public void Any_other_body_is_left_to_the_serializer(string body)
    {
        Assert.False(EntryJson.TryRead(Bytes(body), out var request));
        Assert.Null(request);
    }

    [Fact]
    public void Invalid_utf8_is_left_to_the_serializer()
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("{\"entry\":\""), 0xC3, 0x28, (byte)'"', (byte)'}'];

        Assert.False(EntryJson.TryRead(new ReadOnlySequence<byte>(body), out _));
    }

    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.UTF8.GetBytes(text));
}

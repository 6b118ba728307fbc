using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;

namespace HttpRaft.Api;

/// <summary>
/// The hot path of <c>POST /log</c>'s body: a small body read whole from the request's pipe and, when it has one of the
/// two plain shapes (<c>{"entry": "…"}</c> or <c>{"entries": ["…", …]}</c>, nothing else), read with a
/// <see cref="Utf8JsonReader"/> instead of the serializer. Anything else (other or repeated properties, other casing,
/// nulls, malformed JSON) is left to the serializer, so every answer to an unusual body stays exactly what it was.
/// </summary>
internal static class EntryJson
{
    /// <summary>Bodies up to this size (a batch of 100 entries of 100 bytes is about 10 KiB) are read whole, then parsed.</summary>
    public const int MaxSmallBodyBytes = 64 * 1024;

    /// <summary>The whole body, when its Content-Length says it is small; null otherwise (chunked, or large).</summary>
    public static async ValueTask<ReadOnlySequence<byte>?> ReadSmallBodyAsync(HttpRequest request, PipeReader body)
    {
        if (request.ContentLength is not (> 0 and <= MaxSmallBodyBytes) || request.Headers.TransferEncoding.Count > 0) return null;
        var read = await body.ReadAtLeastAsync((int)request.ContentLength.Value, request.HttpContext.RequestAborted).ConfigureAwait(false);
        // The caller advances the reader once it has parsed the buffer (the bytes stay valid until then).
        return read.Buffer;
    }

    /// <summary>Reads <paramref name="json"/> if it has one of the two plain shapes; false leaves it to the serializer.</summary>
    public static bool TryRead(ReadOnlySequence<byte> json, out EntryRequest? request)
    {
        request = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName) return false;
            if (reader.ValueTextEquals("entry"u8))
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.String) return false;
                var entry = reader.GetString()!;
                if (!IsEnd(ref reader)) return false;
                request = new EntryRequest(entry);
                return true;
            }
            if (!reader.ValueTextEquals("entries"u8) || !reader.Read() || reader.TokenType != JsonTokenType.StartArray) return false;
            var entries = new List<string>();
            while (reader.Read() && reader.TokenType == JsonTokenType.String) entries.Add(reader.GetString()!);
            if (reader.TokenType != JsonTokenType.EndArray || !IsEnd(ref reader)) return false;
            request = new EntryRequest(Entries: entries);
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Malformed JSON or text that is not UTF-8: the serializer reports it as it always did.
            return false;
        }
    }

    /// <summary>The object ends here, and nothing but whitespace follows it.</summary>
    private static bool IsEnd(ref Utf8JsonReader reader) => reader.Read() && reader.TokenType == JsonTokenType.EndObject && !reader.Read();
}

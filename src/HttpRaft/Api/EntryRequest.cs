using System.Text;
using HttpRaft.AspNetCore;
using Microsoft.Extensions.Options;

namespace HttpRaft.Api;

/// <summary>
/// The body of <c>POST /request</c> and <c>POST /log</c>: <c>{"entry": "text"}</c>, the Go original's request, or
/// on <c>POST /log</c> a batch <c>{"entries": ["text", ...]}</c> appended all or nothing at consecutive indexes.
/// </summary>
/// <param name="Entry">The text to append to the log.</param>
/// <param name="Entries">Several texts to append in one go, in order (<c>POST /log</c> only; instead of <c>entry</c>).</param>
internal sealed record EntryRequest(string? Entry = null, IReadOnlyList<string>? Entries = null)
{
    private const string Shape = "a JSON object with a string \"entry\" or an array of strings \"entries\"";

    /// <summary>True for a batch (<c>entries</c>).</summary>
    public bool IsBatch => Entries is not null;

    /// <summary>The entries as the bytes the log stores (UTF-8): one array for a whole batch, sliced per entry.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> ToPayloads()
    {
        if (Entries is null) return [Encoding.UTF8.GetBytes(Entry!)];
        var total = 0;
        foreach (var text in Entries) total += Encoding.UTF8.GetByteCount(text);
        var bytes = new byte[total];
        var payloads = new ReadOnlyMemory<byte>[Entries.Count];
        var used = 0;
        for (var i = 0; i < payloads.Length; i++)
        {
            var length = Encoding.UTF8.GetBytes(Entries[i], bytes.AsSpan(used));
            payloads[i] = bytes.AsMemory(used, length);
            used += length;
        }
        return payloads;
    }

    /// <summary>The 413 for an entry the log refused as larger than <see cref="RaftHostOptions.MaxEntryBytes"/>.</summary>
    public static ProblemHttpResult TooLarge(IRaftLog log) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        detail: $"The entry is larger than node {log.NodeId}'s maximum entry size.");

    /// <summary>
    /// Reads the body as JSON whatever its Content-Type says, as the Go original did (its Postman collection
    /// may send raw text), and turns every way it can be wrong into a 400 or 413 with a reason.
    /// </summary>
    public static async ValueTask<EntryRequest?> BindAsync(HttpContext context)
    {
        var request = await ReadAsync(context).ConfigureAwait(false);
        request.Validate(context.RequestServices.GetRequiredService<IOptions<RaftHostOptions>>().Value.MaxEntryBytes);
        return request;
    }

    /// <summary>A small body is read whole and parsed without the serializer when it can be (<see cref="EntryJson"/>).</summary>
    private static async ValueTask<EntryRequest> ReadAsync(HttpContext context)
    {
        var pipe = context.Request.BodyReader;
        if (await EntryJson.ReadSmallBodyAsync(context.Request, pipe).ConfigureAwait(false) is not { } body)
            return (await JsonBody.ReadAsync<EntryRequest>(context, Shape).ConfigureAwait(false))!;
        try
        {
            return EntryJson.TryRead(body, out var plain) ? plain! : JsonBody.Parse<EntryRequest>(context, body, Shape);
        }
        finally
        {
            pipe.AdvanceTo(body.End);
        }
    }

    private void Validate(int maxEntryBytes)
    {
        if ((Entry is null) == (Entries is null)) throw new BadHttpRequestException($"The body must be {Shape}: exactly one of the two.");
        if (Entries is { Count: 0 }) throw new BadHttpRequestException("\"entries\" must hold at least one entry.");
        if (Entries is { Count: > SizeLimits.MaxBatchEntries }) throw new BadHttpRequestException($"\"entries\" may hold at most {SizeLimits.MaxBatchEntries} entries.", StatusCodes.Status413PayloadTooLarge);
        foreach (var text in Entries ?? [Entry!])
        {
            if (text is null) throw new BadHttpRequestException("\"entries\" must hold strings, not null.");
            if (Encoding.UTF8.GetByteCount(text) > maxEntryBytes) throw new BadHttpRequestException($"An entry is larger than {maxEntryBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
        }
    }
}

/// <summary>What every route that takes an <see cref="EntryRequest"/> declares for routing and Swagger.</summary>
internal static class EntryRequestConventions
{
    /// <summary>
    /// Accepts the entry body with any Content-Type (<c>*/*</c>; routing would otherwise answer 415 before
    /// <see cref="EntryRequest.BindAsync"/> runs) and documents the 400 and 413 it can produce.
    /// </summary>
    public static RouteHandlerBuilder AcceptsEntry(this RouteHandlerBuilder route) => route
        .Accepts<EntryRequest>("application/json", "*/*")
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
}

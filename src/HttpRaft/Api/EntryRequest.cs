using System.Text;
using System.Text.Json;
using HttpRaft.AspNetCore;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace HttpRaft.Api;

/// <summary>The body of <c>POST /request</c> and <c>POST /log</c>: <c>{"entry": "text"}</c>, the Go original's request.</summary>
/// <param name="Entry">The text to append to the log.</param>
internal sealed record EntryRequest(string Entry)
{
    /// <summary>The entry as the bytes the log stores (UTF-8).</summary>
    public ReadOnlyMemory<byte> ToPayload() => Encoding.UTF8.GetBytes(Entry);

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
        var services = context.RequestServices;
        var json = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        EntryRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<EntryRequest>(context.Request.Body, json, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new BadHttpRequestException($"The body must be a JSON object with a string \"entry\": {e.Message}", StatusCodes.Status400BadRequest, e);
        }
        if (request is null) throw new BadHttpRequestException("The body must be a JSON object with a string \"entry\", not null.");
        var maxBytes = services.GetRequiredService<IOptions<RaftHostOptions>>().Value.MaxEntryBytes;
        if (Encoding.UTF8.GetByteCount(request.Entry) > maxBytes)
        {
            throw new BadHttpRequestException($"The entry is larger than {maxBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
        }
        return request;
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

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace HttpRaft.Client.Transport;

/// <summary>Turns a final error answer into the typed exception for its status, reading the problem details if the body has them.</summary>
internal static class ProblemReader
{
    public static async Task<HttpRaftException> ToExceptionAsync(HttpResponseMessage response, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var problem = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
        var extensions = (IReadOnlyDictionary<string, JsonElement>?)problem?.Extensions;
        var status = response.StatusCode;
        return status switch
        {
            HttpStatusCode.Gone => new LogCompactedException(problem?.Title, problem?.Detail, Long(extensions, "firstIndex") ?? 0, Long(extensions, "lastIndex"), extensions),
            HttpStatusCode.UnprocessableEntity when idempotencyKey is not null => new IdempotencyKeyConflictException(idempotencyKey, problem?.Title, problem?.Detail, extensions),
            HttpStatusCode.Conflict => new HttpRaftConflictException(problem?.Title, problem?.Detail, extensions),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new HttpRaftAccessDeniedException(status, problem?.Title, problem?.Detail, extensions),
            _ => new HttpRaftProblemException(status, problem?.Title, problem?.Detail, problem?.Type, extensions),
        };
    }

    /// <summary>The problem in the body, or null when the body is empty or not JSON (a proxy's page, say).</summary>
    public static async Task<ProblemBody?> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is null || !mediaType.Contains("json", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            return await response.Content.ReadFromJsonAsync(ClientJsonContext.Default.ProblemBody, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The <c>leader</c> a 503 problem names: an address, "" when the member knows none, or null when it did not say.</summary>
    public static string? LeaderHint(ProblemBody? problem) =>
        problem?.Extensions is { } extensions && extensions.TryGetValue("leader", out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static long? Long(IReadOnlyDictionary<string, JsonElement>? extensions, string name) =>
        extensions is not null && extensions.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : null;
}

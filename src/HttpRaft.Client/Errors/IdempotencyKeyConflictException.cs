using System.Net;
using System.Text.Json;

namespace HttpRaft.Client;

/// <summary><c>422</c>: the <c>Idempotency-Key</c> was already used for different entries, so nothing was appended. Use a new key for new entries.</summary>
public sealed class IdempotencyKeyConflictException : HttpRaftProblemException
{
    /// <summary>A 422 problem for <paramref name="idempotencyKey"/>.</summary>
    public IdempotencyKeyConflictException(string idempotencyKey, string? title, string? detail, IReadOnlyDictionary<string, JsonElement>? extensions = null)
        : base(HttpStatusCode.UnprocessableEntity, title, detail, null, extensions)
    {
        IdempotencyKey = idempotencyKey;
    }

    /// <summary>The key that was reused.</summary>
    public string IdempotencyKey { get; }
}

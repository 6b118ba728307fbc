using System.Net;
using System.Text.Json;

namespace HttpRaft.Client;

/// <summary>
/// <c>401</c> (no API key, or an unknown one) or <c>403</c> (the key's scope does not allow the call: appends need
/// <c>write</c>, membership and leadership changes <c>admin</c>).
/// </summary>
public sealed class HttpRaftAccessDeniedException : HttpRaftProblemException
{
    /// <summary>A 401 or 403 problem.</summary>
    public HttpRaftAccessDeniedException(HttpStatusCode statusCode, string? title, string? detail, IReadOnlyDictionary<string, JsonElement>? extensions = null)
        : base(statusCode, title, detail, null, extensions)
    {
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace HttpRaft.AspNetCore.Security;

/// <summary>Reads the token of an <c>Authorization: Bearer &lt;token&gt;</c> header (RFC 6750 §2.1).</summary>
public static class BearerToken
{
    private const string Prefix = "Bearer ";

    /// <summary>The token, or null when the request has no single Authorization header of the Bearer scheme.</summary>
    public static string? From(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var values = request.Headers[HeaderNames.Authorization];
        if (values.Count != 1 || values[0] is not { } header) return null;
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) return null;
        var token = header[Prefix.Length..].Trim();
        return token.Length == 0 ? null : token;
    }
}

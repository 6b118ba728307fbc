using System.Diagnostics.CodeAnalysis;

namespace HttpRaft.Client.Transport;

/// <summary>
/// A member's client API address as the cluster writes it (<c>host:port</c>, optionally with a scheme), turned into
/// the base URI requests are sent to.
/// </summary>
internal static class MemberAddress
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out Uri? baseUri)
    {
        baseUri = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var trimmed = text.Trim();
        // The cluster's own addresses have no scheme unless TLS is on, in which case they say https://.
        var withScheme = trimmed.Contains("://", StringComparison.Ordinal) ? trimmed : "http://" + trimmed;
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri)) return false;
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) return false;
        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || string.IsNullOrEmpty(uri.Host)) return false;
        baseUri = new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
        return true;
    }

    public static Uri Parse(string text) =>
        TryParse(text, out var uri) ? uri : throw new ArgumentException($"'{text}' is not a host:port or http(s)://host:port address.", nameof(text));

    /// <summary>The base URI of an absolute redirect target (its scheme and authority), or null if it has none.</summary>
    public static Uri? BaseOf(Uri? location) =>
        location is { IsAbsoluteUri: true } ? new Uri(location.GetLeftPart(UriPartial.Authority) + "/") : null;
}

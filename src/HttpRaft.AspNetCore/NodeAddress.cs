using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace HttpRaft.AspNetCore;

/// <summary>
/// A <c>host:port</c> address from the cluster configuration, as written in <c>peers.json</c>; an
/// <c>https://host:port</c> form selects TLS for that address (<see cref="Https"/>).
/// </summary>
public readonly record struct NodeAddress(string Host, int Port, bool Https = false)
{
    private const string HttpsPrefix = "https://";
    private const string HttpPrefix = "http://";

    /// <summary>
    /// Parses <c>host:port</c> (an IPv6 host in brackets), optionally prefixed by <c>http://</c> or <c>https://</c>;
    /// false for anything else (a path, another scheme), or a port outside 1–65535.
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out NodeAddress? address)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var https = text.StartsWith(HttpsPrefix, StringComparison.OrdinalIgnoreCase);
        if (https) text = text[HttpsPrefix.Length..];
        else if (text.StartsWith(HttpPrefix, StringComparison.OrdinalIgnoreCase)) text = text[HttpPrefix.Length..];
        if (text.Contains("://", StringComparison.Ordinal) || text.Contains('/', StringComparison.Ordinal)) return false;
        var colon = text.LastIndexOf(':');
        if (colon <= 0) return false;
        var host = text[..colon];
        if (!IsHost(host)) return false;
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)) return false;
        if (port is < 1 or > 65535) return false;
        address = new NodeAddress(host, port, https);
        return true;
    }

    /// <summary>A DNS name, an IPv4 address, or an IPv6 address in brackets: what an HTTP URI accepts.</summary>
    private static bool IsHost(string host)
    {
        var bracketed = host.StartsWith('[') && host.EndsWith(']');
        if (host.Contains(':', StringComparison.Ordinal) && !bracketed) return false;
        var bare = bracketed ? host[1..^1] : host;
        return Uri.CheckHostName(bare) != UriHostNameType.Unknown && (bracketed == (Uri.CheckHostName(bare) == UriHostNameType.IPv6));
    }

    public static NodeAddress Parse(string text) =>
        TryParse(text, out var address) ? address.Value : throw new FormatException($"'{text}' is not a host:port address.");

    /// <summary>The URI scheme this address is served with: <c>https</c> or <c>http</c>.</summary>
    public string Scheme => Https ? "https" : "http";

    /// <summary>The base URI of this address, e.g. <c>http://localhost:8000/</c> or <c>https://node1:8000/</c>.</summary>
    public Uri ToHttpUri() => new($"{Scheme}://{Host}:{Port.ToString(CultureInfo.InvariantCulture)}/");

    public override string ToString() => $"{(Https ? HttpsPrefix : "")}{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}

namespace HttpRaft.AspNetCore;

/// <summary>
/// A member's two addresses as the host writes them into the consensus core's <see cref="HttpRaft.Consensus.ClusterMember.Address"/>,
/// which the core carries without reading: <c>"peer api"</c>, each as written in configuration (a <c>host:port</c>,
/// optionally with <c>https://</c>), so redirects and leader hints keep the operator's spelling.
/// </summary>
public sealed record MemberAddress(string Peer, string Api)
{
    /// <summary>The form stored in a configuration entry.</summary>
    public string Encode() => $"{Peer} {Api}";

    /// <summary>Reads what <see cref="Encode"/> wrote; null for anything else (a configuration written by another host).</summary>
    public static MemberAddress? Parse(string? text)
    {
        var parts = text?.Split(' ');
        return parts is [var peer, var api] && NodeAddress.TryParse(peer, out _) && NodeAddress.TryParse(api, out _) ? new MemberAddress(peer, api) : null;
    }
}

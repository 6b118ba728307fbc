using System.Net;
using Microsoft.AspNetCore.Hosting;
using System.Security.Cryptography.X509Certificates;
using HttpRaft.AspNetCore.Security;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore;

/// <summary>Makes Kestrel listen on this node's two addresses: the peer address and the client API address.</summary>
public static class RaftKestrelExtensions
{
    /// <summary>
    /// Listens on <c>peers[id]</c> (or <c>peerListen</c>) and <c>apis[id]</c> and caps request bodies at the client limit (the peer
    /// routes raise it for themselves). <c>localhost</c> means loopback only; an IP address means that interface;
    /// any other host name (e.g. a container's service name) means all interfaces, since Kestrel binds to addresses.
    /// </summary>
    public static KestrelServerOptions ListenOnRaftAddresses(this KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        var settings = kestrel.ApplicationServices.GetRequiredService<IOptions<RaftHostOptions>>().Value;
        var certificate = settings.PeerAddress.Https || settings.ApiAddress.Https ? RaftCertificates.LoadServerCertificate(settings.Tls) : null;
        Listen(kestrel, settings.PeerListenAddress, certificate);
        Listen(kestrel, settings.ApiAddress, certificate);
        ApplyLimits(kestrel.Limits, settings);
        return kestrel;
    }

    /// <summary>
    /// Slow-client protection. The minimum request body data rate stays at Kestrel's default (240 bytes/s after a
    /// 5 s grace period) on both ports: a long-lived peer stream must lift it for itself per request
    /// (<c>IHttpMinRequestBodyDataRateFeature</c>), since Kestrel sets it server-wide, not per endpoint.
    /// </summary>
    private static void ApplyLimits(KestrelServerLimits limits, RaftHostOptions settings)
    {
        limits.MaxRequestBodySize = settings.MaxRequestBodyBytes;
        limits.MaxConcurrentConnections = settings.MaxConcurrentConnections;
        limits.RequestHeadersTimeout = TimeSpan.FromMilliseconds(settings.RequestHeadersTimeoutMs);
        limits.MaxRequestHeadersTotalSize = settings.MaxRequestHeadersTotalBytes;
    }

    private static void Listen(KestrelServerOptions kestrel, NodeAddress address, X509Certificate2? certificate)
    {
        Action<ListenOptions> configure = address.Https ? o => o.UseHttps(certificate!) : _ => { };
        if (string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase)) kestrel.ListenLocalhost(address.Port, configure);
        else if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip)) kestrel.Listen(ip, address.Port, configure);
        else kestrel.ListenAnyIP(address.Port, configure);
    }
}

using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore;

/// <summary>Makes Kestrel listen on this node's two addresses: the peer address and the client API address.</summary>
public static class RaftKestrelExtensions
{
    /// <summary>
    /// Listens on <c>peers[id]</c> and <c>apis[id]</c> and caps request bodies at the client limit (the peer
    /// routes raise it for themselves). <c>localhost</c> means loopback only; an IP address means that interface;
    /// any other host name (e.g. a container's service name) means all interfaces, since Kestrel binds to addresses.
    /// </summary>
    public static KestrelServerOptions ListenOnRaftAddresses(this KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        var settings = kestrel.ApplicationServices.GetRequiredService<IOptions<RaftHostOptions>>().Value;
        Listen(kestrel, settings.PeerAddress);
        Listen(kestrel, settings.ApiAddress);
        kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes;
        return kestrel;
    }

    private static void Listen(KestrelServerOptions kestrel, NodeAddress address)
    {
        if (string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase)) kestrel.ListenLocalhost(address.Port);
        else if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip)) kestrel.Listen(ip, address.Port);
        else kestrel.ListenAnyIP(address.Port);
    }
}

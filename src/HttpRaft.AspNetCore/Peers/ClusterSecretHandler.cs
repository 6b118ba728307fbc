using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// Adds <c>Authorization: Bearer &lt;clusterSecret&gt;</c> to every request of the named peer client
/// (<see cref="HttpPeerTransport.ClientName"/>), whatever route or framing the sender uses.
/// </summary>
internal sealed class ClusterSecretHandler(IOptions<RaftHostOptions> options) : DelegatingHandler
{
    private readonly AuthenticationHeaderValue? header =
        string.IsNullOrEmpty(options.Value.ClusterSecret) ? null : new AuthenticationHeaderValue("Bearer", options.Value.ClusterSecret);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (header is not null) request.Headers.Authorization = header;
        return base.SendAsync(request, cancellationToken);
    }
}

using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore.Observability;

/// <summary>One member of the cluster as the dashboard and metrics name it.</summary>
/// <param name="Id">Its node id.</param>
/// <param name="Peer">Its peer address, as configured.</param>
/// <param name="Api">Its client API address, as configured.</param>
/// <param name="ApiBase">Its client API's base URI (e.g. <c>http://localhost:9001/</c>), where a browser reaches it.</param>
public sealed record ClusterMember(int Id, string Peer, string Api, Uri ApiBase);

/// <summary>
/// The members this node knows, for the dashboard (which cards to show, where each member's event stream is) and the
/// cross-origin policy that lets a page served by one member read the others. Today the bootstrap configuration;
/// once the membership lives in the log (DESIGN §7) an implementation reads it from there instead.
/// </summary>
public interface IClusterMembers
{
    IReadOnlyList<ClusterMember> Members { get; }
}

/// <summary>The members written in <c>peers</c> and <c>apis</c>: ids 0..n-1.</summary>
internal sealed class ConfiguredMembers(IOptions<RaftHostOptions> options) : IClusterMembers
{
    private readonly ClusterMember[] members = [.. options.Value.Peers.Select((peer, id) =>
        new ClusterMember(id, peer, options.Value.Apis[id], NodeAddress.Parse(options.Value.Apis[id]).ToHttpUri()))];

    public IReadOnlyList<ClusterMember> Members => members;
}

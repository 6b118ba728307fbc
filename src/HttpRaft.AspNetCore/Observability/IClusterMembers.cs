using HttpRaft.AspNetCore.Node;

namespace HttpRaft.AspNetCore.Observability;

/// <summary>One member of the cluster as the dashboard and metrics name it.</summary>
/// <param name="Id">Its node id.</param>
/// <param name="Peer">Its peer address, as configured.</param>
/// <param name="Api">Its client API address, as configured.</param>
/// <param name="ApiBase">Its client API's base URI (e.g. <c>http://localhost:9001/</c>), where a browser reaches it.</param>
public sealed record MemberLocation(int Id, string Peer, string Api, Uri ApiBase);

/// <summary>
/// The members this node knows, for the dashboard (which cards to show, where each member's event stream is) and the
/// cross-origin policy that lets a page served by one member read the others.
/// </summary>
public interface IClusterMembers
{
    IReadOnlyList<MemberLocation> Members { get; }
}

/// <summary>The members of the configuration in force, as the node loop last published it: they follow every membership change.</summary>
internal sealed class ReplicatedMembers(NodeViewHolder views) : IClusterMembers
{
    private Membership? last;
    private IReadOnlyList<MemberLocation> members = [];

    public IReadOnlyList<MemberLocation> Members
    {
        get
        {
            var membership = views.Current.Membership;
            if (!ReferenceEquals(membership, last))
            {
                // Built once per membership change, not per request; a racing reader builds the same list.
                members = [.. membership.Configuration.Members
                    .Select(m => (m.Id, Address: membership.AddressOf(m.Id)))
                    .Where(m => m.Address is not null)
                    .Select(m => new MemberLocation(m.Id, m.Address!.Peer, m.Address.Api, NodeAddress.Parse(m.Address.Api).ToHttpUri()))];
                last = membership;
            }
            return members;
        }
    }
}

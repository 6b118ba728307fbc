using System.Text.Json.Serialization;
using HttpRaft.AspNetCore;
using HttpRaft.Consensus;

namespace HttpRaft.Api;

/// <summary>The body of <c>POST /cluster/leader</c>: <c>{"id": N}</c>, or <c>{}</c> (or no body) for the most up-to-date voter.</summary>
/// <param name="Id">The voter to hand leadership to; leave it out for the one whose log is most up to date.</param>
internal sealed record TransferRequest(int? Id = null)
{
    /// <summary>Reads the body as JSON whatever its Content-Type; an empty body is <c>{}</c>.</summary>
    public static async ValueTask<TransferRequest?> BindAsync(HttpContext context) =>
        await JsonBody.ReadAsync<TransferRequest>(context, "a JSON object, {\"id\": N} or {}", allowEmpty: true).ConfigureAwait(false) ?? new TransferRequest();
}

/// <summary>Who leads after a transfer.</summary>
/// <param name="Leader">The new leader: its id and API address.</param>
internal sealed record LeaderResponse(NodeRef Leader);

/// <summary>The body of <c>POST /cluster/members</c>.</summary>
/// <param name="Peer">The new node's peer address (<c>host:port</c>, optionally <c>https://</c>).</param>
/// <param name="Api">The new node's client API address.</param>
/// <param name="Role"><c>learner</c> (the default), or <c>voter</c>: a learner the leader promotes once it has caught up.</param>
internal sealed record AddMemberRequest(string Peer, string Api, string Role = "learner")
{
    private const string Shape = "a JSON object {\"peer\": \"host:port\", \"api\": \"host:port\", \"role\": \"learner\" or \"voter\"}";

    /// <summary>True when the node asked to vote once caught up.</summary>
    public bool IsVoter => Role == "voter";

    /// <summary>Reads the body as JSON whatever its Content-Type, and refuses addresses and roles that cannot work with a 400.</summary>
    public static async ValueTask<AddMemberRequest?> BindAsync(HttpContext context)
    {
        var request = (await JsonBody.ReadAsync<AddMemberRequest>(context, Shape).ConfigureAwait(false))!;
        if (!NodeAddress.TryParse(request.Peer, out var peer)) throw new BadHttpRequestException($"\"peer\" must be a host:port address, not '{request.Peer}'.");
        if (!NodeAddress.TryParse(request.Api, out var api)) throw new BadHttpRequestException($"\"api\" must be a host:port address, not '{request.Api}'.");
        if (peer.Value.Host.Equals(api.Value.Host, StringComparison.OrdinalIgnoreCase) && peer.Value.Port == api.Value.Port) throw new BadHttpRequestException("\"peer\" and \"api\" must differ: the node tells its peer routes apart by port.");
        if (request.Role is not ("learner" or "voter")) throw new BadHttpRequestException($"\"role\" must be \"learner\" or \"voter\", not '{request.Role}'.");
        return request;
    }
}

/// <summary>One member, as the cluster routes show it.</summary>
/// <param name="Id">Its node id (never reused).</param>
/// <param name="Peer">Its peer address, as configured.</param>
/// <param name="Api">Its client API address, as configured.</param>
/// <param name="Role"><c>voter</c> or <c>learner</c>.</param>
/// <param name="MatchIndex">On the leader: the highest index known replicated on it.</param>
/// <param name="Lag">On the leader: how many entries it is behind the leader's last index.</param>
/// <param name="LastContactMs">On the leader: how long ago the leader last heard from it.</param>
internal sealed record MemberResponse(
    int Id,
    string Peer,
    string Api,
    string Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? MatchIndex = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Lag = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? LastContactMs = null)
{
    public static MemberResponse Of(ClusterMember member, Membership membership) =>
        new(member.Id, membership.AddressOf(member.Id)?.Peer ?? "", membership.ApiOf(member.Id) ?? "", member.IsVoter ? "voter" : "learner");
}

/// <summary>The membership as <c>GET /cluster</c> shows it.</summary>
/// <param name="Leader">The leader this node knows, or null.</param>
/// <param name="Term">This node's term.</param>
/// <param name="ConfigIndex">The index of the configuration entry in force; 0 before the first leader wrote the bootstrap membership to the log.</param>
/// <param name="FailureTolerance">How many voters may fail with the cluster still committing.</param>
/// <param name="Members">Every member, by id.</param>
internal sealed record ClusterResponse(NodeRef? Leader, long Term, long ConfigIndex, int FailureTolerance, IReadOnlyList<MemberResponse> Members)
{
    /// <summary>The membership <paramref name="membership"/> as <paramref name="view"/>'s node knows it, with the leader's progress when <paramref name="status"/> is the leader's.</summary>
    public static ClusterResponse Of(NodeView view, Membership membership, RaftStatus? status, int tickIntervalMs)
    {
        var leader = membership.ApiOf(view.LeaderId) is { } api ? new NodeRef(view.LeaderId, api) : null;
        var members = membership.Configuration.Members.Select(m => WithProgress(MemberResponse.Of(m, membership), status, tickIntervalMs)).ToList();
        return new ClusterResponse(leader, view.Term, membership.Index, membership.FailureTolerance, members);
    }

    private static MemberResponse WithProgress(MemberResponse member, RaftStatus? status, int tickIntervalMs)
    {
        if (status is not { Role: Role.Leader }) return member;
        if (member.Id == status.Id) return member with { MatchIndex = status.LastIndex, Lag = 0, LastContactMs = 0 };
        if (!status.Followers.TryGetValue(member.Id, out var follower)) return member;
        return member with { MatchIndex = follower.MatchIndex, Lag = status.LastIndex - follower.MatchIndex, LastContactMs = (long)follower.TicksSinceHeard * tickIntervalMs };
    }
}

using System.Globalization;
using System.Net;
using System.Text.Json.Serialization.Metadata;
using HttpRaft.Client.Transport;

namespace HttpRaft.Client;

public sealed partial class HttpRaftClient
{
    /// <summary>
    /// The membership (<c>GET /cluster</c>), with each member's replication progress (<see cref="ClusterMember.MatchIndex"/>,
    /// <see cref="ClusterMember.Lag"/>, <see cref="ClusterMember.LastContactMs"/>), which only the leader knows: the
    /// call goes to the leader when one is known, and when a follower answered it asks the leader that follower names,
    /// once, keeping the follower's answer (without progress) if the leader does not answer. The client adds every
    /// member's API address to those it may use.
    /// </summary>
    public async Task<ClusterInfo> GetClusterAsync(CancellationToken cancellationToken = default)
    {
        var call = new Call("cluster", Route.Leader, m => Get(m, "cluster"), options.OperationDeadline);
        var (cluster, from) = await ReadClusterAsync(call, cancellationToken).ConfigureAwait(false);
        if (cluster.Members.All(m => m.MatchIndex is null) && cluster.Leader is { } leader
            && MemberAddress.TryParse(leader.Api, out var leaderApi) && leaderApi != from)
        {
            try
            {
                (cluster, _) = await ReadClusterAsync(call with { Member = leaderApi }, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRaftException)
            {
                // The follower's answer is the membership all the same, only without progress.
            }
        }
        return cluster;
    }

    /// <summary>
    /// Adds a member (<c>POST /cluster/members</c>, <c>admin</c> scope) with its peer and client API addresses; it joins
    /// as a learner, and with <see cref="MemberRole.Voter"/> the leader promotes it once it has caught up.
    /// </summary>
    /// <exception cref="HttpRaftConflictException">An address already belongs to a member.</exception>
    public async Task<ClusterMember> AddMemberAsync(string peer, string api, MemberRole role = MemberRole.Learner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(peer);
        ArgumentException.ThrowIfNullOrWhiteSpace(api);
        var body = new AddMemberBody(peer, api, role == MemberRole.Voter ? "voter" : "learner");
        var call = new Call("add member", Route.Leader, m => Post(m, "cluster/members", body, ClientJsonContext.Default.AddMemberBody), options.OperationDeadline);
        // A retry after an attempt that may have worked finds the addresses taken: by this very member, if so.
        return await ChangeAsync(
            call, HttpStatusCode.Conflict, InMembership(c => c.Members.FirstOrDefault(m => m.Peer == peer && m.Api == api)), ClientJsonContext.Default.ClusterMember, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Promotes a learner to voter (<c>POST /cluster/members/{id}/promote</c>, <c>admin</c> scope).</summary>
    /// <exception cref="HttpRaftConflictException">The learner has not caught up yet.</exception>
    public async Task<ClusterMember> PromoteMemberAsync(int id, CancellationToken cancellationToken = default)
    {
        var path = $"cluster/members/{Id(id)}/promote";
        var call = new Call("promote member", Route.Leader, m => new HttpRequestMessage(HttpMethod.Post, new Uri(m, path)), options.OperationDeadline);
        var promoted = await ChangeAsync(
            call, HttpStatusCode.Conflict, InMembership(c => c.Members.FirstOrDefault(m => m.Id == id && m.Role == "voter")), ClientJsonContext.Default.ClusterMember, cancellationToken).ConfigureAwait(false);
        Identify(promoted.Id, promoted.Api);
        return promoted;
    }

    /// <summary>
    /// Removes a member (<c>DELETE /cluster/members/{id}</c>, <c>admin</c> scope) and returns the new membership once
    /// the removal has committed. Removing the leader works too: it hands leadership over and answers <c>307</c> to
    /// the new leader, where the client repeats the removal. The client then stops using the removed member, whose
    /// log no longer grows (it reads the membership first if it has not seen that member's address yet).
    /// </summary>
    /// <exception cref="HttpRaftProblemException">404: no member has that id.</exception>
    /// <exception cref="HttpRaftConflictException">It would leave no voter.</exception>
    public async Task<ClusterInfo> RemoveMemberAsync(int id, CancellationToken cancellationToken = default)
    {
        var path = $"cluster/members/{Id(id)}";
        if (members.AddressOf(id) is null)
        {
            try
            {
                await GetClusterAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRaftException)
            {
                // Only to learn which address to forget; the removal says itself whether the cluster answers.
            }
        }
        var call = new Call("remove member", Route.Leader, m => new HttpRequestMessage(HttpMethod.Delete, new Uri(m, path)), options.OperationDeadline);
        var cluster = await ChangeAsync(
            call, HttpStatusCode.NotFound, InMembership(c => c.Members.Any(m => m.Id == id) ? null : c), ClientJsonContext.Default.ClusterInfo, cancellationToken).ConfigureAwait(false);
        members.Forget(id);
        Learn(cluster);
        return cluster;
    }

    /// <summary>
    /// Moves leadership (<c>POST /cluster/leader</c>, <c>admin</c> scope) to voter <paramref name="targetId"/>, or when
    /// null to the most up-to-date voter, and returns the new leader once it leads; the client sends to it from then on.
    /// </summary>
    /// <exception cref="HttpRaftConflictException">The target is a learner, unknown, or already the leader.</exception>
    /// <exception cref="HttpRaftUnavailableException">The transfer did not finish in time; the old leader serves again.</exception>
    public async Task<LeaderInfo> TransferLeadershipAsync(int? targetId = null, CancellationToken cancellationToken = default)
    {
        if (targetId is { } given) Id(given);
        var body = new TransferBody(targetId);
        var call = new Call("transfer leadership", Route.Leader, m => Post(m, "cluster/leader", body, ClientJsonContext.Default.TransferBody), options.OperationDeadline);
        // "Already leads" after a lost answer: the leader's status says whether the target is the one that leads.
        var transferred = await ChangeAsync(
            call, HttpStatusCode.Conflict, LeaderIsTarget, ClientJsonContext.Default.TransferredBody, cancellationToken).ConfigureAwait(false);
        var leader = transferred.Leader;
        if (MemberAddress.TryParse(leader.Api, out var api))
        {
            members.Identify(leader.Id, api);
            members.LeaderIs(api);
        }
        return leader;

        async Task<TransferredBody?> LeaderIsTarget(CancellationToken ct) =>
            targetId is not null && (await GetStatusAsync(null, ct).ConfigureAwait(false)).Leader is { } now && now.Id == targetId ? new TransferredBody(now) : null;
    }

    /// <summary>Reads the membership with <paramref name="call"/>, learns its members and leader, and says which member answered.</summary>
    private async Task<(ClusterInfo Cluster, Uri From)> ReadClusterAsync(Call call, CancellationToken cancellationToken)
    {
        using var reply = await sender.SendAsync(call, cancellationToken).ConfigureAwait(false);
        var cluster = await ReadBodyAsync(reply, ClientJsonContext.Default.ClusterInfo, null, cancellationToken).ConfigureAwait(false);
        Learn(cluster);
        return (cluster, reply.Member);
    }

    /// <summary>Adds every member of <paramref name="cluster"/> to those the client may use, by id, and caches its leader.</summary>
    private void Learn(ClusterInfo cluster)
    {
        foreach (var member in cluster.Members) Identify(member.Id, member.Api);
        if (cluster.Leader is { } leader && MemberAddress.TryParse(leader.Api, out var leaderApi)) members.LeaderIs(leaderApi);
    }

    private void Identify(int id, string api)
    {
        if (MemberAddress.TryParse(api, out var address)) members.Identify(id, address);
    }

    /// <summary>Looks for a change's result in the membership.</summary>
    private Func<CancellationToken, Task<T?>> InMembership<T>(Func<ClusterInfo, T?> pick)
        where T : class =>
        async ct => pick(await GetClusterAsync(ct).ConfigureAwait(false));

    /// <summary>
    /// Sends a change and reads its answer. When the answer is <paramref name="echo"/> (a conflict, say) after an attempt
    /// that may have taken effect unheard, it may be the client's own change seen again: if <paramref name="find"/> finds
    /// the change made, that is the answer.
    /// </summary>
    private async Task<T> ChangeAsync<T>(Call call, HttpStatusCode echo, Func<CancellationToken, Task<T?>> find, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        using var reply = await sender.SendAsync(call, cancellationToken).ConfigureAwait(false);
        if (reply.Ambiguous && reply.Response.StatusCode == echo)
        {
            try
            {
                if (await find(cancellationToken).ConfigureAwait(false) is { } made) return made;
            }
            catch (HttpRaftException)
            {
                // Cannot look now: report the answer as the server gave it.
            }
        }
        return await ReadBodyAsync(reply, type, null, cancellationToken).ConfigureAwait(false);
    }

    private static string Id(int id) => id >= 0
        ? id.ToString(CultureInfo.InvariantCulture)
        : throw new ArgumentOutOfRangeException(nameof(id), id, "Member ids are 0 or more.");
}

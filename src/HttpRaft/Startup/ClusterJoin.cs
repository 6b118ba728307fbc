using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HttpRaft.AspNetCore;
using HttpRaft.AspNetCore.Security;

namespace HttpRaft.Startup;

/// <summary>
/// <c>--join URL</c>: asks a running cluster (any member's client API; a follower redirects to the leader) to add this
/// node as a learner that the leader promotes to voter once it has caught up, learns its id and the members, and
/// records them in <see cref="MemberFile"/> before the node starts. It waits out the leader's "another change is in
/// progress" answers, so several nodes may join at once.
/// </summary>
internal sealed class ClusterJoin(Uri join, string peer, string api, string? apiKey, RaftTlsOptions tls)
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(90);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<MemberFile> JoinAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            SslOptions = RaftCertificates.PeerClientOptions(tls),
        }) { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + GiveUpAfter;
        var target = new Uri(join, "/cluster/members");
        string? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.SendAsync(AddRequest(target), cancellationToken).ConfigureAwait(false);
                switch (response.StatusCode)
                {
                    case HttpStatusCode.Created:
                        var added = (await response.Content.ReadFromJsonAsync<MemberJson>(Json, cancellationToken).ConfigureAwait(false))!;
                        return await RecordAsync(http, target, added.Id, cancellationToken).ConfigureAwait(false);
                    case HttpStatusCode.TemporaryRedirect when response.Headers.Location is { } leader:
                        target = leader;
                        continue;
                    case HttpStatusCode.Conflict:
                        // Our own earlier attempt (this node stopped before it recorded its id), or someone else's address.
                        return await AdoptAsync(http, target, cancellationToken).ConfigureAwait(false)
                            ?? throw new StartupException($"cannot join: {await DetailAsync(response, cancellationToken).ConfigureAwait(false)}");
                    case HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests:
                        last = await DetailAsync(response, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        throw new StartupException($"cannot join through {target}: {(int)response.StatusCode} {await DetailAsync(response, cancellationToken).ConfigureAwait(false)}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = e.Message;
                target = new Uri(join, "/cluster/members");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
        }
        throw new StartupException($"cannot join through {join}: no answer within {GiveUpAfter.TotalSeconds:0} s ({last})");
    }

    private HttpRequestMessage AddRequest(Uri target)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = JsonContent.Create(new { peer, api, role = "voter" }) };
        if (apiKey is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return request;
    }

    /// <summary>The member whose addresses are this node's, if the cluster has one: this node was added and did not record it.</summary>
    private async Task<MemberFile?> AdoptAsync(HttpClient http, Uri target, CancellationToken cancellationToken)
    {
        var cluster = await ClusterAsync(http, target, cancellationToken).ConfigureAwait(false);
        var mine = cluster.Members.FirstOrDefault(m => string.Equals(m.Peer, peer, StringComparison.OrdinalIgnoreCase) && string.Equals(m.Api, api, StringComparison.OrdinalIgnoreCase));
        return mine is null ? null : new MemberFile(mine.Id, peer, api, Seeds(cluster));
    }

    /// <summary>This node's id, with the members as the leader lists them now: whom to answer before the log names them.</summary>
    private async Task<MemberFile> RecordAsync(HttpClient http, Uri target, int id, CancellationToken cancellationToken)
    {
        var cluster = await ClusterAsync(http, target, cancellationToken).ConfigureAwait(false);
        return new MemberFile(id, peer, api, Seeds(cluster));
    }

    private async Task<ClusterJson> ClusterAsync(HttpClient http, Uri target, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(target, "/cluster"));
        if (apiKey is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ClusterJson>(Json, cancellationToken).ConfigureAwait(false))!;
    }

    private static List<SeedEntry> Seeds(ClusterJson cluster) => [.. cluster.Members.Select(m => new SeedEntry(m.Id, m.Peer, m.Api))];

    private static async Task<string> DetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }

    private sealed record MemberJson(int Id, string Peer, string Api, string Role);

    private sealed record ClusterJson(List<MemberJson> Members);
}

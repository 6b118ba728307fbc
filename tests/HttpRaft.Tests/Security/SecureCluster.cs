using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HttpRaft.Tests.Cluster;

namespace HttpRaft.Tests.Security;

/// <summary>Settings and requests the security tests share: a cluster secret, API keys, and raw peer posts.</summary>
internal static class SecureCluster
{
    public const string Secret = "cluster-secret-for-tests-0123456789";
    public const string ReadKey = "reader-key-0123456789abcdef";
    public const string WriteKey = "writer-key-0123456789abcdef";
    public const string AdminKey = "admin-key-0123456789abcdef";

    public static KeyValuePair<string, string> SecretSetting => new("HttpRaft:ClusterSecret", Secret);

    public static IEnumerable<KeyValuePair<string, string>> ApiKeySettings =>
    [
        new("HttpRaft:ApiKeys:0:Key", ReadKey),
        new("HttpRaft:ApiKeys:0:Scope", "read"),
        new("HttpRaft:ApiKeys:1:Key", WriteKey),
        new("HttpRaft:ApiKeys:1:Scope", "write"),
        new("HttpRaft:ApiKeys:2:Key", AdminKey),
        new("HttpRaft:ApiKeys:2:Scope", "admin"),
    ];

    /// <summary>POSTs <paramref name="body"/> to a peer route of node <paramref name="id"/>, with <paramref name="token"/> as the bearer token if given.</summary>
    public static Task<HttpResponseMessage> PostPeerAsync(this TestCluster cluster, int id, string path, string body, string? token) =>
        cluster.SendAsync(HttpMethod.Post, cluster.Peer(id, path), body, token);

    /// <summary>Sends a request to <paramref name="uri"/> with an optional JSON body and bearer token.</summary>
    public static async Task<HttpResponseMessage> SendAsync(this TestCluster cluster, HttpMethod method, Uri uri, string? body, string? token)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await cluster.Http.SendAsync(request);
    }

    /// <summary>The response is an RFC 7807 problem with <paramref name="expected"/> as its status.</summary>
    public static Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected) => Problem.AssertAsync(response, expected);
}

using System.Buffers;
using System.Net.Http.Headers;
using HttpRaft.AspNetCore.Peers;
using HttpRaft.Consensus;
using HttpRaft.Tests.Cluster;

namespace HttpRaft.Tests.Peers;

/// <summary>Raw peer traffic for tests: messages as <c>/raft/stream</c> frames, posted as one short stream.</summary>
internal static class PeerStream
{
    /// <summary>The frames of <paramref name="messages"/>, one after another, as a stream body carries them.</summary>
    public static byte[] Frames(params Message[] messages)
    {
        var writer = new ArrayBufferWriter<byte>();
        foreach (var message in messages) PeerFrame.Write(writer, message);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Posts <paramref name="body"/> as a whole stream to <paramref name="uri"/>, with <paramref name="token"/> as the
    /// bearer token if given. The receiver answers when the body ends: 202 when every frame was accepted (and posted to
    /// the node's inbox in order), 400 at the first bad one.
    /// </summary>
    public static async Task<HttpResponseMessage> PostAsync(this TestCluster cluster, Uri uri, byte[] body, string? token = null, string? host = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (host is not null) request.Headers.Host = host;
        return await cluster.Http.SendAsync(request);
    }

    /// <summary>Posts <paramref name="messages"/> as one stream to node <paramref name="id"/>'s peer port.</summary>
    public static Task<HttpResponseMessage> PostStreamAsync(this TestCluster cluster, int id, string? token, params Message[] messages) =>
        cluster.PostAsync(cluster.Peer(id, PeerStreamReceiver.Path), Frames(messages), token);
}

using System.Collections.Concurrent;
using System.Net;

namespace HttpRaft.Client.Tests.Cluster;

/// <summary>
/// Records every answer a real client gets (method, member, path, status) between it and the cluster, so a test can
/// see the retries and redirects behind one call.
/// </summary>
internal sealed class AnswerLog
{
    private readonly ConcurrentQueue<(HttpMethod Method, Uri Uri, HttpStatusCode Status)> answers = new();

    public IReadOnlyList<(HttpMethod Method, Uri Uri, HttpStatusCode Status)> All => [.. answers];

    /// <summary>How many answers had <paramref name="status"/>.</summary>
    public int Count(HttpStatusCode status) => answers.Count(a => a.Status == status);

    public DelegatingHandler CreateHandler() => new Recorder(this);

    private sealed class Recorder(AnswerLog log) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            log.answers.Enqueue((request.Method, request.RequestUri!, response.StatusCode));
            return response;
        }
    }
}

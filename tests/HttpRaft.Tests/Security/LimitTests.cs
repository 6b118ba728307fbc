using System.Net;
using System.Net.Sockets;
using System.Text;
using HttpRaft.Api;
using HttpRaft.AspNetCore;
using HttpRaft.Tests.Cluster;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HttpRaft.Tests.Security;

/// <summary>A single node with tight connection limits, so the limits can be reached in a test.</summary>
public sealed class TightLimitsFixture : IAsyncLifetime
{
    public const int MaxConnections = 16;

    internal TestCluster Cluster { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Cluster = TestCluster.Start(ClusterLayout.Create(1) with
        {
            Extra =
            [
                new("HttpRaft:RequestHeadersTimeoutMs", "500"),
                new("HttpRaft:MaxConcurrentConnections", MaxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("HttpRaft:MaxRequestHeadersTotalBytes", "4096"),
            ],
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>Slow or greedy clients hit a limit with a clear answer, and the node keeps serving.</summary>
public sealed class LimitTests(TightLimitsFixture fixture) : IClassFixture<TightLimitsFixture>
{
    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Headers_over_the_limit_get_431()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Cluster.Api(0, "/status"));
        request.Headers.Add("X-Padding", new string('a', 8192));

        using var response = await Cluster.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_client_that_never_finishes_its_headers_is_disconnected()
    {
        await Cluster.WaitForLeaderAsync();
        using var socket = await ConnectAsync();
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET /status HTTP/1.1\r\nHost: x\r\n"));

        // Kestrel checks the header timeout about once a second; a closed connection reads as 0 bytes (or a reset).
        var closed = await ReadUntilClosedAsync(socket, TimeSpan.FromSeconds(15));

        Assert.True(closed, "the connection stayed open past the request headers timeout");
    }

    [Fact]
    public async Task Connections_beyond_the_limit_are_refused_and_the_node_serves_again_once_they_close()
    {
        await Cluster.WaitForLeaderAsync();
        var held = new List<Socket>();
        try
        {
            for (var i = 0; i < TightLimitsFixture.MaxConnections; i++) held.Add(await ConnectAsync());
            using var extra = await ConnectAsync();
            await extra.SendAsync(Encoding.ASCII.GetBytes("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"));

            Assert.True(await ReadUntilClosedAsync(extra, TimeSpan.FromSeconds(15)), "a connection beyond the limit was served");
        }
        finally
        {
            foreach (var socket in held) socket.Dispose();
        }
        await Eventually.HoldsAsync(async () => await TryGetOkAsync(), "the node to serve again");
    }

    [Fact]
    public void An_overloaded_append_gets_429_with_retry_after()
    {
        var response = new DefaultHttpContext().Response;

        var result = Unavailable.For(response, AppendResult.Failed(AppendOutcome.Overloaded, leaderId: 0));

        Assert.Equal(StatusCodes.Status429TooManyRequests, result.StatusCode);
        Assert.Equal("1", response.Headers.RetryAfter.ToString());
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, Unavailable.For(new DefaultHttpContext().Response, AppendResult.Failed(AppendOutcome.NotLeader, 0)).StatusCode);
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var address = NodeAddress.Parse(Cluster.Layout.Apis[0]);
        await socket.ConnectAsync(IPAddress.Parse(address.Host), address.Port);
        return socket;
    }

    /// <summary>True when the server closes the connection (after any response bytes) before <paramref name="timeout"/>.</summary>
    private static async Task<bool> ReadUntilClosedAsync(Socket socket, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, deadline.Token) > 0)
            {
                // A 4xx/5xx written before closing is fine; what matters is that the connection ends.
            }
            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<bool> TryGetOkAsync()
    {
        try
        {
            using var response = await Cluster.Http.GetAsync(Cluster.Api(0, "/health/live"));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HttpRaft.EndToEnd.Tests.Nemesis;

/// <summary>
/// The fault proxy on its own, over plain sockets to an echo server standing in for a node's peer port: each fault
/// does what the nemeses count on, and a fault reaches connections that were open before it started.
/// </summary>
public sealed class FaultProxyTests : IAsyncLifetime, IDisposable
{
    private const int Target = 7;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly TcpListener echo = new(IPAddress.Loopback, 0);
    private readonly FaultNetwork network = new();
    private PeerProxy proxy = null!;

    public Task InitializeAsync()
    {
        echo.Start();
        _ = Task.Run(EchoAsync);
        proxy = network.Listen(((IPEndPoint)echo.LocalEndpoint).Port, Target);
        return Task.CompletedTask;
    }

    // xunit calls DisposeAsync, then Dispose: the proxies and their connections first, then the echo server.
    public async Task DisposeAsync() => await network.DisposeAsync();

    public void Dispose() => echo.Dispose();

    [Fact]
    public async Task A_fault_that_starts_closes_the_connections_already_open_on_its_link()
    {
        using var sender = await ConnectAsync(from: 1);
        Assert.Equal("ping", await RoundTripAsync(sender, "ping"));

        network.Set("test", Cut((1, Target), LinkMode.Blackhole));

        Assert.True(await ClosedAsync(sender), "the open keep-alive connection survived the fault");
        Assert.Equal(1, network.ClosedByFaults);
    }

    [Fact]
    public async Task A_one_way_fault_cuts_only_its_senders_link_to_the_node()
    {
        network.Set("test", Cut((1, Target), LinkMode.Refuse));

        using var cut = await ConnectAsync(from: 1, passes: false);
        using var other = await ConnectAsync(from: 2);

        Assert.True(await ClosedAsync(cut), "a refused link accepted the connection for good");
        Assert.Equal("from 2", await RoundTripAsync(other, "from 2"));
    }

    [Fact]
    public async Task A_black_holed_link_keeps_the_connection_open_and_forwards_nothing()
    {
        network.Set("test", Cut((1, Target), LinkMode.Blackhole));
        using var sender = await ConnectAsync(from: 1, passes: false);

        await sender.SendAsync(Encoding.ASCII.GetBytes("lost"));
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var buffer = new byte[64];
        // Only the echo could answer, and it never got the bytes: the read waits until cancelled.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await sender.ReceiveAsync(buffer, SocketFlags.None, quiet.Token));

        network.Heal("test");
        Assert.True(await ClosedAsync(sender), "healing did not close the black-holed connection");
    }

    [Fact]
    public async Task A_delayed_link_delivers_in_order_after_the_delay()
    {
        network.Set("test", new Dictionary<(int, int), LinkFault> { [(1, Target)] = new(LinkMode.Delay, 300) });
        using var sender = await ConnectAsync(from: 1);
        var clock = Stopwatch.StartNew();

        await sender.SendAsync(Encoding.ASCII.GetBytes("ab"));
        await sender.SendAsync(Encoding.ASCII.GetBytes("cd"));
        var echoed = await ReadAsync(sender, 4);

        Assert.Equal("abcd", echoed);
        Assert.True(clock.ElapsedMilliseconds >= 290, $"echoed after {clock.ElapsedMilliseconds} ms");
    }

    /// <summary>
    /// A connection to the proxy that names its sender as a peer stream does. Through a passing link the echo returns
    /// the head, which is read here (within the deadline: the machine may be busy); through a cut one nothing does.
    /// </summary>
    private async Task<Socket> ConnectAsync(int from, bool passes = true)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var port = int.Parse(proxy.Address.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var head = $"POST /raft/stream HTTP/1.1\r\nHost: x\r\nX-Raft-From: {from}\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(head));
        if (passes) Assert.Equal(head, await ReadAsync(socket, head.Length));
        return socket;
    }

    private static async Task<string> RoundTripAsync(Socket socket, string text)
    {
        await socket.SendAsync(Encoding.ASCII.GetBytes(text));
        return await ReadAsync(socket, text.Length);
    }

    private static async Task<string> ReadAsync(Socket socket, int length, CancellationToken token = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(token);
        deadline.CancelAfter(Deadline);
        var buffer = new byte[length];
        for (var read = 0; read < length;)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, deadline.Token);
            if (n == 0) throw new InvalidOperationException("closed");
            read += n;
        }
        return Encoding.ASCII.GetString(buffer);
    }

    /// <summary>True once the proxy closed the connection (a read returns 0 or fails), within the deadline.</summary>
    private static async Task<bool> ClosedAsync(Socket socket)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var buffer = new byte[1024];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token) > 0)
            {
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

    private static Dictionary<(int, int), LinkFault> Cut((int, int) link, LinkMode mode) => new() { [link] = new LinkFault(mode) };

    private async Task EchoAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await echo.AcceptSocketAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    var buffer = new byte[1024];
                    try
                    {
                        int n;
                        while ((n = await client.ReceiveAsync(buffer, SocketFlags.None)) > 0) await client.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
                    }
                    catch (SocketException)
                    {
                    }
                }
            });
        }
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace HttpRaft.EndToEnd.Tests.Nemesis;

/// <summary>
/// A TCP proxy in front of one node's peer port. The member's peer address, which every other node dials, is this
/// proxy's port; the node itself listens elsewhere (<c>HttpRaft__PeerListen</c>). The membership holds one address per
/// member, so one proxy serves every sender: it tells them apart by the <c>X-Raft-From</c> header of the peer stream's
/// request (docs/design.md §4), then treats the connection as the directed link sender → <see cref="TargetId"/>.
/// A link carries only its sender's messages (each direction of a pair is its own stream), so a fault on one
/// directed link is a one-way fault.
/// </summary>
internal sealed class PeerProxy : IAsyncDisposable
{
    private const int MaxHeadBytes = 16 * 1024;
    private static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(10);
    private readonly FaultNetwork network;
    private readonly int targetPort;
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;

    public PeerProxy(FaultNetwork network, int targetPort)
    {
        this.network = network;
        this.targetPort = targetPort;
        listener.Start();
        accepting = Task.Run(AcceptAsync);
    }

    /// <summary>The node behind the proxy; -1 until a joining node has its id (its links pass meanwhile).</summary>
    public int TargetId { get; set; }

    /// <summary>The member's peer address: what the other nodes dial.</summary>
    public string Address => $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture)}";

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        await accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            var socket = await listener.AcceptSocketAsync(stopping.Token);
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        var (head, from) = await ReadHeadAsync(client);
        if (head is null)
        {
            client.Dispose();
            return;
        }
        var connection = new ProxyConnection((from, TargetId), client);
        var fault = network.Open(connection);
        try
        {
            switch (fault.Mode)
            {
                case LinkMode.Refuse:
                    break;
                case LinkMode.Blackhole:
                    await DrainAsync(client, connection.Closing);
                    break;
                default:
                    await ForwardAsync(connection, head, fault.Mode == LinkMode.Delay ? fault.DelayMs : 0);
                    break;
            }
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException or ChannelClosedException)
        {
            // The node went away, or the link's fault changed and closed the connection.
        }
        finally
        {
            network.Closed(connection);
            connection.Close();
            // Made after a concurrent Close, if that is how it ended.
            connection.Upstream?.Dispose();
        }
    }

    private async Task ForwardAsync(ProxyConnection connection, byte[] head, int delayMs)
    {
        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        connection.Upstream = upstream;
        await upstream.ConnectAsync(IPAddress.Loopback, targetPort, connection.Closing);
        await upstream.SendAsync(head, SocketFlags.None, connection.Closing);
        // The sender's frames are delayed; the receiver's answer (only a status when the stream ends) is not.
        var forward = delayMs > 0 ? CopyDelayedAsync(connection.Client, upstream, delayMs, connection.Closing) : CopyAsync(connection.Client, upstream, connection.Closing);
        var back = CopyAsync(upstream, connection.Client, connection.Closing);
        await Task.WhenAny(forward, back);
        // One side ended: the HTTP exchange is over either way.
    }

    private static async Task CopyAsync(Socket from, Socket to, CancellationToken token)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, token)) > 0) await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, token);
    }

    /// <summary>Holds each chunk for <paramref name="delayMs"/> and sends the chunks in the order they came.</summary>
    private static async Task CopyDelayedAsync(Socket from, Socket to, int delayMs, CancellationToken token)
    {
        var queue = Channel.CreateUnbounded<(long Due, byte[] Data)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var sending = Task.Run(async () =>
        {
            await foreach (var (due, data) in queue.Reader.ReadAllAsync(token))
            {
                var wait = due - Environment.TickCount64;
                if (wait > 0) await Task.Delay(TimeSpan.FromMilliseconds(wait), token);
                await to.SendAsync(data, SocketFlags.None, token);
            }
        }, token);
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, token)) > 0) queue.Writer.TryWrite((Environment.TickCount64 + delayMs, buffer[..read]));
        queue.Writer.TryComplete();
        await sending;
    }

    private static async Task DrainAsync(Socket client, CancellationToken token)
    {
        var buffer = new byte[64 * 1024];
        while (await client.ReceiveAsync(buffer, SocketFlags.None, token) > 0)
        {
        }
    }

    /// <summary>Reads the request head (and whatever followed it in the same reads); the sender is its X-Raft-From, -1 if none.</summary>
    private async Task<(byte[]? Head, int From)> ReadHeadAsync(Socket client)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
        timeout.CancelAfter(HeadTimeout);
        var buffer = new byte[MaxHeadBytes];
        var length = 0;
        try
        {
            while (length < buffer.Length)
            {
                var read = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, timeout.Token);
                if (read == 0) return (null, -1);
                length += read;
                var text = Encoding.ASCII.GetString(buffer, 0, length);
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0) return (buffer[..length], SenderOf(text[..end]));
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return (null, -1);
        }
        return (buffer[..length], -1);
    }

    private static int SenderOf(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim().Equals("X-Raft-From", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(line[(colon + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return id;
            }
        }
        return -1;
    }
}

/// <summary>One connection through a <see cref="PeerProxy"/>: its directed link and its sockets, closed together.</summary>
internal sealed class ProxyConnection((int From, int To) link, Socket client) : IDisposable
{
    private readonly CancellationTokenSource closing = new();
    private int closed;

    public (int From, int To) Link => link;

    public Socket Client => client;

    /// <summary>The connection to the node, once made.</summary>
    public Socket? Upstream { get; set; }

    /// <summary>Cancelled when the connection is closed.</summary>
    public CancellationToken Closing => closing.Token;

    /// <summary>Closes both sides at once (idempotent, from any thread): the sender sees its stream fail and reopens it.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref closed, 1) == 1) return;
        closing.Cancel();
        client.Dispose();
        Upstream?.Dispose();
    }

    public void Dispose() => Close();
}

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// When this node's inbound peer streams end. A stream never ends by itself, and the server waits out its shutdown
/// timeout for open requests, so they must be cut; but only once the node loop has handed leadership over and let
/// waiting clients finish, which needs the peers' answers. The loop calls <see cref="End"/> at that point.
/// </summary>
internal sealed class PeerStreamLifetime : IDisposable
{
    private readonly CancellationTokenSource ending = new();

    /// <summary>Cancelled when inbound streams must end.</summary>
    public CancellationToken Ending => ending.Token;

    public void End()
    {
        try
        {
            ending.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The host is already gone; so are the streams.
        }
    }

    public void Dispose() => ending.Dispose();
}

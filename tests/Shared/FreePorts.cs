using System.Net;
using System.Net.Sockets;

namespace HttpRaft.Testing;

/// <summary>Loopback ports for test clusters; shared as a linked source file by the test projects that start nodes.</summary>
internal static class FreePorts
{
    /// <summary>Ports that were free a moment ago: bound together on loopback, so they are distinct, then released for the nodes.</summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}

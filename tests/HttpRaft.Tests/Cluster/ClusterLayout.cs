using System.Globalization;
using HttpRaft.Testing;

namespace HttpRaft.Tests.Cluster;

/// <summary>The addresses of a test cluster on free loopback ports, and each node's configuration as settings.</summary>
internal sealed record ClusterLayout(IReadOnlyList<string> Peers, IReadOnlyList<string> Apis)
{
    /// <summary>
    /// Ticks of 25 ms: 50 ms heartbeats and 250–500 ms election timeouts keep the tests fast while staying well
    /// above the scheduling jitter of three hosts sharing two cores.
    /// </summary>
    public const int TickIntervalMs = 25;

    public int Size => Peers.Count;

    /// <summary>Settings every node gets on top of, or instead of, the defaults below (a shorter commit timeout, a cluster secret, API keys, TLS files).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Extra { get; init; } = [];

    /// <summary>A layout on free ports; <paramref name="scheme"/> <c>https://</c> makes every address TLS.</summary>
    public static ClusterLayout Create(int size, string scheme = "")
    {
        var ports = FreePorts.Take(2 * size);
        return new ClusterLayout(
            ports.Take(size).Select(p => $"{scheme}127.0.0.1:{p}").ToList(),
            ports.Skip(size).Select(p => $"{scheme}127.0.0.1:{p}").ToList());
    }

    /// <summary>Configuration keys for node <paramref name="id"/>, as the app would read them from peers.json and settings.</summary>
    public IEnumerable<KeyValuePair<string, string>> SettingsFor(int id)
    {
        yield return new("HttpRaft:NodeId", Invariant(id));
        for (var i = 0; i < Size; i++)
        {
            yield return new($"HttpRaft:Peers:{Invariant(i)}", Peers[i]);
            yield return new($"HttpRaft:Apis:{Invariant(i)}", Apis[i]);
        }
        yield return new("HttpRaft:TickIntervalMs", Invariant(TickIntervalMs));
        yield return new("HttpRaft:CommitTimeoutMs", "3000");
        // Three hosts log to one console; keep only what signals trouble.
        yield return new("Serilog:MinimumLevel:Default", "Warning");
        foreach (var setting in Extra) yield return setting;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}

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

    /// <summary>Nodes that joined the running cluster after it started: the id the leader gave each, and its addresses.</summary>
    public IReadOnlyList<JoinedNode> Joined { get; init; } = [];

    /// <summary>Every id that was ever part of this cluster: the bootstrap ones, then those that joined.</summary>
    public IEnumerable<int> Ids => Enumerable.Range(0, Size).Concat(Joined.Select(j => j.Id));

    /// <summary>Node <paramref name="id"/>'s client API address, bootstrap or joined.</summary>
    public string ApiOf(int id) => id < Size ? Apis[id] : Joined.Single(j => j.Id == id).Api;

    /// <summary>Node <paramref name="id"/>'s peer address, bootstrap or joined.</summary>
    public string PeerOf(int id) => id < Size ? Peers[id] : Joined.Single(j => j.Id == id).Peer;

    /// <summary>This layout with a node that joined as <paramref name="id"/> at the given addresses.</summary>
    public ClusterLayout WithJoined(int id, string peer, string api) => this with { Joined = [.. Joined, new JoinedNode(id, peer, api)] };

    /// <summary>Two free addresses for a node about to join, on loopback as the rest.</summary>
    public static (string Peer, string Api) FreeAddresses()
    {
        var ports = FreePorts.Take(2);
        return ($"127.0.0.1:{ports[0]}", $"127.0.0.1:{ports[1]}");
    }

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
        foreach (var setting in id < Size ? BootstrapList() : JoinedIdentity(id)) yield return setting;
        yield return new("HttpRaft:TickIntervalMs", Invariant(TickIntervalMs));
        yield return new("HttpRaft:CommitTimeoutMs", "3000");
        // Three hosts log to one console; keep only what signals trouble.
        yield return new("Serilog:MinimumLevel:Default", "Warning");
        foreach (var setting in Extra) yield return setting;
    }

    private IEnumerable<KeyValuePair<string, string>> BootstrapList()
    {
        for (var i = 0; i < Size; i++)
        {
            yield return new($"HttpRaft:Peers:{Invariant(i)}", Peers[i]);
            yield return new($"HttpRaft:Apis:{Invariant(i)}", Apis[i]);
        }
    }

    /// <summary>What member.json gives a joined node: its own addresses, and every other node as a seed.</summary>
    private IEnumerable<KeyValuePair<string, string>> JoinedIdentity(int id)
    {
        yield return new("HttpRaft:Peer", PeerOf(id));
        yield return new("HttpRaft:Api", ApiOf(id));
        var seed = 0;
        foreach (var other in Ids.Where(other => other != id))
        {
            yield return new($"HttpRaft:Seeds:{Invariant(seed)}:Id", Invariant(other));
            yield return new($"HttpRaft:Seeds:{Invariant(seed)}:Peer", PeerOf(other));
            yield return new($"HttpRaft:Seeds:{Invariant(seed)}:Api", ApiOf(other));
            seed++;
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A node that joined a test cluster after it started.</summary>
internal sealed record JoinedNode(int Id, string Peer, string Api);

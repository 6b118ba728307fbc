namespace HttpRaft.EndToEnd.Tests.Nemesis.Nemeses;

/// <summary>A fault that started: its kind (what the results count, e.g. <c>partition:bridge</c>) and what exactly it did.</summary>
internal sealed record NemesisFault(string Kind, string Description);

/// <summary>
/// One kind of fault. The schedule starts one or two kinds at a time, holds them, then heals them in reverse order, so
/// any two compose (a partition during a stalled disk, a pause during a membership change). Each keeps what it needs
/// to heal what it broke, and works on whatever state the other left a node in.
/// </summary>
internal interface INemesis
{
    /// <summary>Every kind of fault it starts, as <see cref="NemesisFault.Kind"/> names them; the schedule deals each at least once.</summary>
    IReadOnlyList<string> Kinds { get; }

    /// <summary>
    /// Starts a fault of <paramref name="kind"/> (one of <see cref="Kinds"/>), or of a kind it draws when null; null
    /// when that does not apply now (too few members, a join still under way, no leader).
    /// </summary>
    Task<NemesisFault?> StartAsync(NemesisCluster cluster, Random random, string? kind);

    /// <summary>Undoes what <see cref="StartAsync"/> did; a no-op for faults that are over once started (a transfer).</summary>
    Task HealAsync(NemesisCluster cluster);
}

/// <summary>Choices every nemesis makes the same way.</summary>
internal static class Pick
{
    /// <summary>The leader two times in three (the node whose faults matter most), else any running member; null if none runs.</summary>
    public static async Task<(NemesisNode Node, bool IsLeader)?> VictimAsync(NemesisCluster cluster, Random random)
    {
        var leader = await cluster.Http.LeaderAsync(cluster.Running);
        if (leader is { } found && random.Next(3) < 2) return (found.Node, true);
        var running = cluster.Running;
        if (running.Count == 0) return null;
        var node = running[random.Next(running.Count)];
        return (node, node == leader?.Node);
    }

    public static string Named(NemesisNode node, bool isLeader) => isLeader ? $"{node} (the leader)" : node.ToString();

    public static T One<T>(IReadOnlyList<T> items, Random random) => items[random.Next(items.Count)];
}

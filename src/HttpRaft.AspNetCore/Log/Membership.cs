using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore;

/// <summary>
/// The cluster's membership as this node knows it: the configuration in force, the index of the entry that set it
/// (0 for the bootstrap configuration), and each member's addresses. Redirects, leader hints, the peer senders and
/// <c>/cluster</c> all read addresses here, so they follow members that joined later.
/// </summary>
public sealed class Membership
{
    private readonly Dictionary<int, MemberAddress> addresses;
    private readonly IReadOnlyDictionary<int, MemberAddress> seeds;

    /// <param name="configuration">The configuration in force.</param>
    /// <param name="index">The index of the entry that set it; 0 for the bootstrap configuration.</param>
    /// <param name="seeds">Addresses known from outside the log: what a joining node was told when it joined, so it can
    /// answer the leader before its log holds a configuration that names it.</param>
    public Membership(Configuration configuration, long index, IReadOnlyDictionary<int, MemberAddress>? seeds = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Configuration = configuration;
        Index = index;
        this.seeds = seeds ?? new Dictionary<int, MemberAddress>();
        addresses = configuration.Members
            .Select(m => (m.Id, Address: MemberAddress.Parse(m.Address)))
            .Where(m => m.Address is not null)
            .ToDictionary(m => m.Id, m => m.Address!);
    }

    public Configuration Configuration { get; }

    public long Index { get; }

    /// <summary>Addresses known from outside the log (see the constructor).</summary>
    public IReadOnlyDictionary<int, MemberAddress> Seeds => seeds;

    /// <summary>How many voters may fail with the cluster still able to commit: voters minus a majority.</summary>
    public int FailureTolerance => Configuration.Voters.Count == 0 ? 0 : Configuration.Voters.Count - (Configuration.Voters.Count / 2 + 1);

    /// <summary>The addresses of node <paramref name="id"/>: from the configuration, else from the seeds; null if unknown.</summary>
    public MemberAddress? AddressOf(int id) => addresses.GetValueOrDefault(id) ?? seeds.GetValueOrDefault(id);

    /// <summary>The client API address of node <paramref name="id"/> exactly as configured, or null when unknown.</summary>
    public string? ApiOf(int id) => AddressOf(id)?.Api;

    /// <summary>The member whose peer or API address is <paramref name="address"/> (as written, ignoring case), or null.</summary>
    public ClusterMember? MemberAt(string address) => Configuration.Members.FirstOrDefault(m =>
        AddressOf(m.Id) is { } known && (string.Equals(known.Peer, address, StringComparison.OrdinalIgnoreCase) || string.Equals(known.Api, address, StringComparison.OrdinalIgnoreCase)));
}

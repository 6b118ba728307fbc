using HttpRaft.AspNetCore.Security;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore;

/// <summary>Checks <see cref="RaftHostOptions"/> at start-up, so a bad configuration stops the node with one message naming the problem.</summary>
internal sealed class RaftHostOptionsValidator : IValidateOptions<RaftHostOptions>
{
    public ValidateOptionsResult Validate(string? name, RaftHostOptions options)
    {
        var failure = CheckCluster(options) ?? CheckTiming(options) ?? CheckLimits(options) ?? CheckSecurity(options);
        return failure is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failure);
    }

    private static string? CheckCluster(RaftHostOptions o) => o.Joined ? CheckJoined(o) : CheckBootstrap(o);

    /// <summary>A node that joined a running cluster: its id and its own two addresses, from its data directory.</summary>
    private static string? CheckJoined(RaftHostOptions o)
    {
        if (o.Peer is null || o.Api is null) return "a joined node needs both its peer and its API address (from member.json in its data directory)";
        if (o.NodeId is not { } id || id < 0) return "a joined node needs its id (from member.json in its data directory)";
        foreach (var address in new[] { o.Peer, o.Api }.Concat(o.Seeds.SelectMany(s => new[] { s.Peer, s.Api })))
        {
            if (!NodeAddress.TryParse(address, out _)) return $"'{address}' is not a host:port address";
        }
        return CheckPorts(o, id);
    }

    private static string? CheckBootstrap(RaftHostOptions o)
    {
        if (o.Peers.Count == 0) return "no peers are configured (HttpRaft:Peers, or \"peers\" in peers.json), and this node has not joined a cluster (--join)";
        if (o.Apis.Count != o.Peers.Count) return $"\"peers\" lists {o.Peers.Count} addresses but \"apis\" lists {o.Apis.Count}; they must match one to one";
        if (o.NodeId is not { } id) return $"no node id given: run with an id from 0 to {o.Peers.Count - 1}";
        if (id < 0 || id >= o.Peers.Count) return $"node id {id} is out of range: peers.json lists {o.Peers.Count} nodes (ids 0 to {o.Peers.Count - 1})";
        var all = o.Peers.Concat(o.Apis).ToList();
        var bad = all.FirstOrDefault(a => !NodeAddress.TryParse(a, out _));
        if (bad is not null) return $"'{bad}' is not a host:port address";
        var duplicate = all.GroupBy(a => a, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) return $"address {duplicate.Key} appears more than once in peers and apis";
        return CheckPorts(o, id);
    }

    /// <summary>The port the peer routes are told apart by is the one the peer port listens on.</summary>
    private static string? CheckPorts(RaftHostOptions o, int id)
    {
        if (o.PeerListen is not null && !NodeAddress.TryParse(o.PeerListen, out _)) return $"PeerListen '{o.PeerListen}' is not a host:port address";
        if (o.PeerListenAddress.Port == o.ApiAddress.Port) return $"node {id}'s peer and API addresses share port {o.ApiAddress.Port}; the peer routes are told apart by port";
        return null;
    }

    private static string? CheckTiming(RaftHostOptions o)
    {
        if (o.TickIntervalMs < 1) return "TickIntervalMs must be at least 1";
        if (o.HeartbeatTicks < 1) return "HeartbeatTicks must be at least 1";
        if (o.ElectionTicks <= o.HeartbeatTicks) return "ElectionTicks must be greater than HeartbeatTicks";
        if (o.CommitTimeoutMs < 1) return "CommitTimeoutMs must be at least 1";
        if (o.PeerRequestTimeoutMs < 1) return "PeerRequestTimeoutMs must be at least 1";
        return null;
    }

    private static string? CheckLimits(RaftHostOptions o)
    {
        if (o.PeerQueueCapacity < 1) return "PeerQueueCapacity must be at least 1";
        if (o.InboxCapacity < 16) return "InboxCapacity must be at least 16";
        if (o.Limits.Check() is { } sizes) return sizes;
        if (o.IdempotencyWindow < 1) return "IdempotencyWindow must be at least 1";
        if (o.Retention.Check() is { } retention) return retention;
        if (o.MaxUncommittedBytes < 0) return "MaxUncommittedBytes must not be negative";
        if (o.MaxConcurrentConnections < 16) return "MaxConcurrentConnections must be at least 16";
        if (o.RequestHeadersTimeoutMs < 100) return "RequestHeadersTimeoutMs must be at least 100";
        if (o.MaxRequestHeadersTotalBytes < 4096) return "MaxRequestHeadersTotalBytes must be at least 4096";
        if (o.SegmentBytes is < HttpRaft.Storage.StorageOptions.MinSegmentBytes or > HttpRaft.Storage.StorageOptions.MaxSegmentBytes)
        {
            return $"SegmentBytes must be between {HttpRaft.Storage.StorageOptions.MinSegmentBytes} (64 KiB) and {HttpRaft.Storage.StorageOptions.MaxSegmentBytes} (1 GiB), not {o.SegmentBytes}";
        }
        if (!string.Equals(o.Fsync, "always", StringComparison.OrdinalIgnoreCase) && !string.Equals(o.Fsync, "never", StringComparison.OrdinalIgnoreCase))
        {
            return $"Fsync must be 'always' or 'never', not '{o.Fsync}'";
        }
        return null;
    }

    /// <summary>The secret is never echoed: a message naming it would put it in a log.</summary>
    private static string? CheckSecurity(RaftHostOptions o)
    {
        if (o.ClusterSecret is { } secret && secret.Trim().Length < SecretDigest.MinLength)
        {
            return $"ClusterSecret must be at least {SecretDigest.MinLength} characters (it is {secret.Trim().Length}); generate one with: openssl rand -base64 32";
        }
        return RaftTlsOptionsValidator.Check(o.Tls, o.Peers.Concat(o.Apis));
    }
}

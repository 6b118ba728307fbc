using System.Globalization;
using HttpRaft.AspNetCore;
using Microsoft.Extensions.Configuration.Memory;

namespace HttpRaft.Startup;

/// <summary>
/// Feeds the command line, <c>peers.json</c> and a joined node's <c>member.json</c> into the host's configuration
/// (docs/design.md §2). A node is a bootstrap member (its id is its position in <c>peers.json</c>), or a joined one
/// (its id and addresses are in <c>member.json</c> in its data directory, written when it joined).
/// </summary>
internal static class ClusterConfiguration
{
    private const string Section = RaftHostOptions.SectionName;

    /// <summary>With no id, no <c>--config</c> and no <c>peers.json</c>: a cluster of one, so a first run needs no setup.</summary>
    private static readonly Dictionary<string, string?> SingleNode = new()
    {
        [$"{Section}:{nameof(RaftHostOptions.NodeId)}"] = "0",
        [$"{Section}:{nameof(RaftHostOptions.Peers)}:0"] = "localhost:8000",
        [$"{Section}:{nameof(RaftHostOptions.Apis)}:0"] = "localhost:9000",
    };

    /// <summary>
    /// Adds the cluster file (or the single-node default) beneath every other source, so environment variables and
    /// command-line settings can override any of it, and the node's identity above them all: the id from the command
    /// line, or <c>member.json</c>, joining the cluster first when <c>--join</c> asks for it and the node has no id yet.
    /// </summary>
    public static async Task AddClusterConfigurationAsync(this IConfigurationManager configuration, CommandLine commandLine, CancellationToken cancellationToken)
    {
        var path = commandLine.ConfigPath ?? Path.Combine(Environment.CurrentDirectory, ClusterFile.DefaultName);
        var fileRequired = commandLine.ConfigPath is not null || commandLine.NodeId is not null;
        var values = fileRequired || File.Exists(path) ? ClusterFile.Load(path) : null;
        var member = await JoinedIdentityAsync(configuration, commandLine, values, cancellationToken).ConfigureAwait(false);
        if (member is not null)
        {
            // A joined node's membership is in its log; a bootstrap list beside it (a shared config file) is not its own.
            configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = WithoutBootstrapList(values) });
            configuration.AddInMemoryCollection(member.AsSettings());
            AddDataDir(configuration, commandLine);
            return;
        }
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = values ?? SingleNode });
        if (commandLine.NodeId is { } id)
        {
            configuration.AddInMemoryCollection([new($"{Section}:{nameof(RaftHostOptions.NodeId)}", id.ToString(CultureInfo.InvariantCulture))]);
        }
        AddDataDir(configuration, commandLine);
    }

    /// <summary><c>--data-dir</c>, above every other source: it is the most explicit way to say it.</summary>
    private static void AddDataDir(IConfigurationManager configuration, CommandLine commandLine)
    {
        if (commandLine.DataDir is { } dir) configuration.AddInMemoryCollection([new($"{Section}:{nameof(RaftHostOptions.DataDir)}", dir)]);
    }

    /// <summary>The identity in the data directory's member.json; with <c>--join</c> and none yet, the one the cluster gives now.</summary>
    private static async Task<MemberFile?> JoinedIdentityAsync(
        IConfiguration configuration, CommandLine commandLine, Dictionary<string, string?>? values, CancellationToken cancellationToken)
    {
        var dataDir = commandLine.DataDir ?? configuration[$"{Section}:{nameof(RaftHostOptions.DataDir)}"] ?? values?.GetValueOrDefault($"{Section}:{nameof(RaftHostOptions.DataDir)}");
        if (dataDir is null) return null;
        if (MemberFile.Load(dataDir) is { } member)
        {
            if (commandLine.NodeId is { } id && id != member.Id) throw new StartupException($"{Path.Combine(dataDir, MemberFile.FileName)} says this is node {member.Id}, not {id}");
            return member;
        }
        if (commandLine.Join is not { } join) return null;
        // Before asking for a place: a node that joined and then could not listen would be a member that never comes,
        // holding a place (and the quorum, once promoted) until someone removes it.
        // The peer port is bound where PeerListen says, when set (behind a proxy that owns the --peer address).
        var peerListen = configuration[$"{Section}:{nameof(RaftHostOptions.PeerListen)}"] ?? values?.GetValueOrDefault($"{Section}:{nameof(RaftHostOptions.PeerListen)}");
        if (NodeAddress.TryParse(peerListen ?? commandLine.Peer, out var peerPort)) StartupGuard.EnsureFree("peer", peerPort.Value);
        StartupGuard.EnsureFree("API", NodeAddress.Parse(commandLine.Api!));
        var tls = configuration.GetSection($"{Section}:{nameof(RaftHostOptions.Tls)}").Get<RaftTlsOptions>() ?? new RaftTlsOptions();
        var apiKey = commandLine.ApiKey ?? configuration[$"{Section}:JoinApiKey"];
        var joined = await new ClusterJoin(join, commandLine.Peer!, commandLine.Api!, apiKey, tls).JoinAsync(cancellationToken).ConfigureAwait(false);
        joined.Save(dataDir);
        return joined;
    }

    private static Dictionary<string, string?> WithoutBootstrapList(Dictionary<string, string?>? values) =>
        values is null
            ? []
            : values.Where(v => !IsBootstrapKey(v.Key)).ToDictionary(StringComparer.OrdinalIgnoreCase);

    private static bool IsBootstrapKey(string key) =>
        key.StartsWith($"{Section}:{nameof(RaftHostOptions.Peers)}:", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith($"{Section}:{nameof(RaftHostOptions.Apis)}:", StringComparison.OrdinalIgnoreCase)
        || key.Equals($"{Section}:{nameof(RaftHostOptions.NodeId)}", StringComparison.OrdinalIgnoreCase);
}

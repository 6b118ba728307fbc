using HttpRaft.AspNetCore;
using Microsoft.Extensions.Configuration.Memory;

namespace HttpRaft.Startup;

/// <summary>Feeds the command line and <c>peers.json</c> into the host's configuration.</summary>
internal static class ClusterConfiguration
{
    /// <summary>With no id, no <c>--config</c> and no <c>peers.json</c>: a cluster of one, so a first run needs no setup.</summary>
    private static readonly Dictionary<string, string?> SingleNode = new()
    {
        [$"{RaftHostOptions.SectionName}:{nameof(RaftHostOptions.NodeId)}"] = "0",
        [$"{RaftHostOptions.SectionName}:{nameof(RaftHostOptions.Peers)}:0"] = "localhost:8000",
        [$"{RaftHostOptions.SectionName}:{nameof(RaftHostOptions.Apis)}:0"] = "localhost:9000",
    };

    /// <summary>
    /// Adds the cluster file (or the single-node default) beneath every other source, so environment variables and
    /// command-line settings can override any of it, and the node id from the command line above them all.
    /// </summary>
    public static void AddClusterConfiguration(this IConfigurationManager configuration, CommandLine commandLine)
    {
        var path = commandLine.ConfigPath ?? Path.Combine(Environment.CurrentDirectory, ClusterFile.DefaultName);
        var fileRequired = commandLine.ConfigPath is not null || commandLine.NodeId is not null;
        var values = fileRequired || File.Exists(path) ? ClusterFile.Load(path) : SingleNode;
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = values });
        if (commandLine.NodeId is { } id)
        {
            configuration.AddInMemoryCollection([new($"{RaftHostOptions.SectionName}:{nameof(RaftHostOptions.NodeId)}", id.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        }
    }
}

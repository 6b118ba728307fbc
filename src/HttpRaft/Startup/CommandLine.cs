using System.Globalization;

namespace HttpRaft.Startup;

/// <summary>
/// The command line: <c>HttpRaft [id] [--config PATH] [--data-dir DIR] [ASP.NET Core settings...]</c> for a bootstrap
/// member, or <c>HttpRaft --join URL --peer HOST:PORT --api HOST:PORT --data-dir DIR [--api-key KEY]</c> to join a
/// running cluster. The optional id is the only positional argument; other <c>--key=value</c> and <c>--key value</c>
/// pairs pass through to the host's configuration.
/// </summary>
internal sealed record CommandLine(int? NodeId, string? ConfigPath, IReadOnlyList<string> HostArgs)
{
    /// <summary>A member's client API address to join through (<c>--join</c>); null for a bootstrap member.</summary>
    public Uri? Join { get; init; }

    /// <summary>This node's peer address when it joins (<c>--peer</c>).</summary>
    public string? Peer { get; init; }

    /// <summary>This node's client API address when it joins (<c>--api</c>).</summary>
    public string? Api { get; init; }

    /// <summary>The data directory (<c>--data-dir</c>); a joined node keeps its id there.</summary>
    public string? DataDir { get; init; }

    /// <summary>An API key of scope <c>admin</c> to join with, when the cluster requires keys (<c>--api-key</c>).</summary>
    public string? ApiKey { get; init; }

    private static readonly string[] Options = ["--config", "--join", "--peer", "--api", "--data-dir", "--api-key"];

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        int? nodeId = null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var hostArgs = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (OptionOf(arg) is { } option) values[option] = arg.Contains('=', StringComparison.Ordinal) ? arg[(option.Length + 1)..] : ValueAfter(args, ref i, option);
            else if (arg.StartsWith('-')) PassThrough(args, ref i, hostArgs);
            else if (nodeId is null) nodeId = ParseId(arg);
            else throw new StartupException($"unexpected argument '{arg}': give one node id, e.g. HttpRaft 0");
        }
        var line = new CommandLine(nodeId, values.GetValueOrDefault("--config"), hostArgs)
        {
            Join = values.TryGetValue("--join", out var join) ? ParseJoin(join) : null,
            Peer = values.GetValueOrDefault("--peer"),
            Api = values.GetValueOrDefault("--api"),
            DataDir = values.GetValueOrDefault("--data-dir"),
            ApiKey = values.GetValueOrDefault("--api-key"),
        };
        line.CheckJoin();
        return line;
    }

    /// <summary>A joining node needs its two addresses and a data directory, and gets its id from the leader.</summary>
    private void CheckJoin()
    {
        if (Join is null)
        {
            if (Peer is not null || Api is not null) throw new StartupException("--peer and --api are for joining a cluster: give --join URL too");
            return;
        }
        if (NodeId is not null) throw new StartupException("a node that joins gets its id from the leader: give --join without an id");
        if (Peer is null || Api is null || DataDir is null) throw new StartupException("--join needs --peer HOST:PORT, --api HOST:PORT and --data-dir DIR");
        if (!AspNetCore.NodeAddress.TryParse(Peer, out _)) throw new StartupException($"--peer '{Peer}' is not a host:port address");
        if (!AspNetCore.NodeAddress.TryParse(Api, out _)) throw new StartupException($"--api '{Api}' is not a host:port address");
    }

    private static string? OptionOf(string arg) =>
        Options.FirstOrDefault(o => arg == o || arg.StartsWith(o + "=", StringComparison.Ordinal));

    private static Uri ParseJoin(string text) =>
        Uri.TryCreate(text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new StartupException($"--join '{text}' is not a member's address, e.g. http://node0:9000");

    private static string ValueAfter(IReadOnlyList<string> args, ref int i, string option) =>
        ++i < args.Count ? args[i] : throw new StartupException($"{option} needs a value");

    /// <summary>Keeps a host setting, with its value when it is given as a separate argument.</summary>
    private static void PassThrough(IReadOnlyList<string> args, ref int i, List<string> hostArgs)
    {
        hostArgs.Add(args[i]);
        if (!args[i].Contains('=', StringComparison.Ordinal) && i + 1 < args.Count) hostArgs.Add(args[++i]);
    }

    private static int ParseId(string arg) =>
        int.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new StartupException($"'{arg}' is not a node id: expected a number such as 0");
}

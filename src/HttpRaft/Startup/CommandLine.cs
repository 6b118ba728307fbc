using System.Globalization;

namespace HttpRaft.Startup;

/// <summary>
/// The command line: <c>HttpRaft [id] [--config PATH] [ASP.NET Core settings...]</c>. The optional id is the only
/// positional argument; <c>--key=value</c> and <c>--key value</c> pairs pass through to the host's configuration.
/// </summary>
internal sealed record CommandLine(int? NodeId, string? ConfigPath, IReadOnlyList<string> HostArgs)
{
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        int? nodeId = null;
        string? configPath = null;
        var hostArgs = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--config") configPath = ValueAfter(args, ref i);
            else if (arg.StartsWith("--config=", StringComparison.Ordinal)) configPath = arg["--config=".Length..];
            else if (arg.StartsWith('-')) PassThrough(args, ref i, hostArgs);
            else if (nodeId is null) nodeId = ParseId(arg);
            else throw new StartupException($"unexpected argument '{arg}': give one node id, e.g. HttpRaft 0");
        }
        return new CommandLine(nodeId, configPath, hostArgs);
    }

    private static string ValueAfter(IReadOnlyList<string> args, ref int i) =>
        ++i < args.Count ? args[i] : throw new StartupException("--config needs a path, e.g. --config peers.json");

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

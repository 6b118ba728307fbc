using System.Globalization;

namespace EnduranceLoad;

/// <summary>The command line of the load tool.</summary>
internal sealed record LoadOptions(
    IReadOnlyList<string> Endpoints, int Clients, int Batch, int EntryBytes, double IntervalSeconds, long Total, double Rate, string? PauseFile)
{
    /// <summary>
    /// <c>--endpoints H:P,…</c> (required), <c>--clients N</c> (16), <c>--batch N</c> (100), <c>--entry-bytes N</c> (100),
    /// <c>--interval S</c> (5), <c>--total N</c> (entries; 0 = until stopped), <c>--rate N</c> (at most N entries/s over all
    /// clients, each capped at its share; 0 = as fast as answers come), <c>--pause-file PATH</c> (no new requests while it exists).
    /// </summary>
    /// <exception cref="ArgumentException">An unknown option or a value out of range.</exception>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions([], 16, 100, 100, 5, 0, 0, null);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Count) throw new ArgumentException($"{name} needs a value");
            var value = args[++i];
            options = name switch
            {
                "--endpoints" => options with { Endpoints = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--clients" => options with { Clients = (int)Whole(name, value, 1, 4096) },
                "--batch" => options with { Batch = (int)Whole(name, value, 1, 10_000) },
                "--entry-bytes" => options with { EntryBytes = (int)Whole(name, value, 1, 512 * 1024) },
                "--interval" => options with { IntervalSeconds = Number(name, value, 0.1) },
                "--total" => options with { Total = Whole(name, value, 0, long.MaxValue) },
                "--rate" => options with { Rate = Number(name, value, 0) },
                "--pause-file" => options with { PauseFile = value },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }
        if (options.Endpoints.Count == 0) throw new ArgumentException("--endpoints H:P,H:P,... is required");
        return options;
    }

    private static long Whole(string name, string value, long min, long max) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name} wants a whole number from {min} to {max}, not '{value}'");

    private static double Number(string name, string value, double min) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= min && double.IsFinite(n)
            ? n
            : throw new ArgumentException($"{name} wants a number of at least {min}, not '{value}'");
}

using System.CommandLine;
using HttpRaft.Client;

namespace HttpRaft.Tool.Commands;

/// <summary>The options the commands that read the log share.</summary>
internal static class ReadOptions
{
    /// <summary><c>--from</c>: a log index, 1 or more.</summary>
    public static Option<long?> From(string description)
    {
        var from = new Option<long?>("--from") { Description = description };
        from.Validators.Add(result =>
        {
            if (result.GetValue(from) is < 1) result.AddError("--from must be at least 1.");
        });
        return from;
    }

    /// <summary><c>--consistency local|linearizable</c>.</summary>
    public static Option<string> Consistency() => new Option<string>("--consistency")
    {
        Description = "local (what the answering member has committed) or linearizable (everything acknowledged before the read).",
        DefaultValueFactory = _ => "local",
    }.AcceptOnlyFromAmong("local", "linearizable");

    public static ReadConsistency ParseConsistency(string? value) => value == "linearizable" ? ReadConsistency.Linearizable : ReadConsistency.Local;
}

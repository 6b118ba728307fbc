using System.CommandLine;
using HttpRaft.Client;
using Microsoft.Extensions.DependencyInjection;

namespace HttpRaft.Tool;

/// <summary>The options every command takes: where the cluster is, the API key, the output format and the deadline.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string> Endpoints = new("--endpoints", "-e")
    {
        Description = "Members' API addresses, comma-separated (host:port or http(s)://host:port); any subset will do. Default: $HTTPRAFT_ENDPOINTS, else localhost:9000.",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("HTTPRAFT_ENDPOINTS") is { Length: > 0 } fromEnvironment ? fromEnvironment : "localhost:9000",
    };

    public static readonly Option<string?> ApiKey = new("--api-key")
    {
        Description = "The API key, sent as 'Authorization: Bearer <key>'. Default: $HTTPRAFT_API_KEY.",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("HTTPRAFT_API_KEY") is { Length: > 0 } fromEnvironment ? fromEnvironment : null,
    };

    public static readonly Option<string> Output = new Option<string>("--output", "-o")
    {
        Description = "table (for people) or json (for scripts; tail -f writes one JSON object per line).",
        Recursive = true,
        DefaultValueFactory = _ => "table",
    }.AcceptOnlyFromAmong("table", "json");

    public static readonly Option<double?> Timeout = new("--timeout")
    {
        Description = "Seconds a command keeps retrying through elections and failed members before it gives up (default: 30 for appends, 15 otherwise).",
        Recursive = true,
    };

    public static IEnumerable<Option> All => [Endpoints, ApiKey, Output, Timeout];

    static GlobalOptions()
    {
        Timeout.Validators.Add(result =>
        {
            if (result.GetValue(Timeout) is <= 0) result.AddError("--timeout must be more than 0 seconds.");
        });
    }

    public static bool Json(ParseResult parsed) => parsed.GetValue(Output) == "json";

    /// <summary>A client for the cluster the command line names, built as an app builds one; dispose the provider when done.</summary>
    public static ServiceProvider CreateClient(ParseResult parsed, out HttpRaftClient client)
    {
        var endpoints = (parsed.GetValue(Endpoints) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var timeout = parsed.GetValue(Timeout);
        var services = new ServiceCollection();
        services.AddHttpRaftClient(options =>
        {
            foreach (var endpoint in endpoints) options.Endpoints.Add(endpoint);
            options.ApiKey = parsed.GetValue(ApiKey);
            if (timeout is { } seconds)
            {
                options.AppendDeadline = TimeSpan.FromSeconds(seconds);
                options.OperationDeadline = TimeSpan.FromSeconds(seconds);
            }
        });
        var provider = services.BuildServiceProvider();
        try
        {
            client = provider.GetRequiredService<HttpRaftClient>();
            return provider;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            provider.Dispose();
            throw new UsageException(string.Join(" ", e.Failures));
        }
    }
}

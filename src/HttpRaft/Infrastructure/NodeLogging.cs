using HttpRaft.AspNetCore;
using Serilog;
using Serilog.Events;

namespace HttpRaft.Infrastructure;

/// <summary>
/// Serilog console logging with the node id on every line, configured per host (never through the static
/// bootstrap logger, which a second host in the same process would find frozen).
/// </summary>
internal static class NodeLogging
{
    private const string Template = "[{Timestamp:HH:mm:ss.fff} {Level:u3}] node {NodeId} {SourceContext}: {Message:lj}{NewLine}{Exception}";

    public static IServiceCollection AddNodeLogging(this IServiceCollection services) =>
        services.AddSerilog(
            (sp, logger) =>
            {
                var configuration = sp.GetRequiredService<IConfiguration>();
                logger.MinimumLevel.Information()
                    .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                    .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
                    .ReadFrom.Configuration(configuration)
                    .Enrich.FromLogContext()
                    .Enrich.WithProperty("NodeId", configuration[$"{RaftHostOptions.SectionName}:{nameof(RaftHostOptions.NodeId)}"] ?? "?")
                    .WriteTo.Console(outputTemplate: Template, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            },
            preserveStaticLogger: true);

    /// <summary>
    /// One line per request, written through this host's logger (the middleware would otherwise use the static
    /// one, which is left alone). Requests that succeed are logged at Debug: a console line per request at
    /// Information halves what a node can serve. Client errors show at Information, failures above that;
    /// unauthenticated peer requests only through the peer scheme's throttled warning.
    /// Register it before the exception handler so it records the status the client finally got.
    /// </summary>
    public static IApplicationBuilder UseNodeRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(o =>
        {
            o.Logger = app.ApplicationServices.GetRequiredService<Serilog.ILogger>();
            o.GetLevel = LevelOf;
        });

    private static LogEventLevel LevelOf(HttpContext context, double elapsedMs, Exception? exception) => context.Response.StatusCode switch
    {
        _ when exception is not null => LogEventLevel.Error,
        StatusCodes.Status503ServiceUnavailable => LogEventLevel.Warning,
        >= 500 => LogEventLevel.Error,
        < 400 when context.Request.Path.StartsWithSegments("/raft") => LogEventLevel.Verbose,
        // Refused peer requests are reported by the peer scheme, throttled; a line each would let a flood fill the log.
        StatusCodes.Status401Unauthorized when context.Request.Path.StartsWithSegments("/raft") => LogEventLevel.Debug,
        // An overloaded node answers many 429s; a line for each would only add to the load.
        < 400 or StatusCodes.Status429TooManyRequests => LogEventLevel.Debug,
        _ => LogEventLevel.Information,
    };
}

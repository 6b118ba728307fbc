using HttpRaft.Infrastructure;

namespace HttpRaft.Api;

/// <summary><c>GET /metrics</c>: Prometheus text exposition of every exported meter (docs/operations.md).</summary>
internal static class MetricsApi
{
    public const string Path = "/metrics";

    /// <summary>Maps the scraping endpoint in a group, so the group can carry the API-key policy; nothing when metrics are off.</summary>
    public static RouteGroupBuilder MapMetricsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("").WithTags("Operations");
        if (!MetricsExport.Enabled(endpoints.ServiceProvider.GetRequiredService<IConfiguration>())) return group;
        group.MapPrometheusScrapingEndpoint(Path)
            .WithName("Metrics")
            .WithSummary("Prometheus metrics")
            .WithDescription("Prometheus text exposition: the HttpRaft meter (docs/operations.md), ASP.NET Core's HTTP server metrics and the runtime's.")
            // A scrape every few seconds would otherwise fill the request-duration histogram with itself.
            .DisableHttpMetrics();
        return group;
    }
}

using HttpRaft.AspNetCore;
using HttpRaft.AspNetCore.Observability;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace HttpRaft.Infrastructure;

/// <summary>
/// Exports the <c>HttpRaft</c> meter, ASP.NET Core's and Kestrel's own HTTP server meters and the runtime's meter
/// through the OpenTelemetry SDK's Prometheus exporter; on unless <c>Metrics:Enabled</c> is false.
/// </summary>
internal static class MetricsExport
{
    private const string EnabledKey = "Metrics:Enabled";

    /// <summary>Meters exported beside the node's own: request rates and durations, connections, GC and thread pool.</summary>
    private static readonly string[] FrameworkMeters = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime"];

    public static bool Enabled(IConfiguration configuration) => configuration.GetValue(EnabledKey, defaultValue: true);

    public static IServiceCollection AddMetricsExport(this IServiceCollection services, IConfiguration configuration)
    {
        if (!Enabled(configuration)) return services;
        // target_info names the node: service "httpraft", instance "node-<id>".
        var node = configuration[$"{RaftHostOptions.SectionName}:{nameof(RaftHostOptions.NodeId)}"];
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("httpraft", serviceInstanceId: $"node-{node}"))
            .WithMetrics(metrics => metrics
            .AddMeter([RaftMetrics.MeterName, .. FrameworkMeters])
            .AddPrometheusExporter());
        return services;
    }
}

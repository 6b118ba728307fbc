using HttpRaft.AspNetCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HttpRaft.Api;

/// <summary>Liveness and readiness probes over ASP.NET Core health checks, as documented routes.</summary>
internal static class HealthApi
{
    public static RouteGroupBuilder MapHealthApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/health").WithTags("Operations");
        group.MapGet("live", (HealthCheckService health, CancellationToken ct) => CheckAsync(health, _ => false, ct))
            .WithName("Live")
            .WithSummary("Liveness")
            .WithDescription("200 while the process serves requests; it runs no checks.");
        group.MapGet("ready", (HealthCheckService health, CancellationToken ct) => CheckAsync(health, c => c.Tags.Contains(RaftHealthCheck.ReadyTag), ct))
            .Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable)
            .WithName("Ready")
            .WithSummary("Readiness")
            .WithDescription("200 when this node knows a leader (it can take or redirect writes); 503 otherwise.");
        return group;
    }

    private static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> CheckAsync(
        HealthCheckService health, Func<HealthCheckRegistration, bool> predicate, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(predicate, cancellationToken).ConfigureAwait(false);
        var body = new HealthResponse(report.Status.ToString(), report.Entries.Values.Select(e => e.Description).FirstOrDefault());
        return report.Status == HealthStatus.Healthy
            ? TypedResults.Ok(body)
            : TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

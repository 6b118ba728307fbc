using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HttpRaft.AspNetCore;

/// <summary>Readiness: this node belongs to a cluster that has a leader it knows of, so it can take or redirect writes.</summary>
public sealed class RaftHealthCheck(IRaftLog log) : IHealthCheck
{
    /// <summary>The tag of checks that decide readiness (as opposed to liveness).</summary>
    public const string ReadyTag = "ready";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var view = log.View;
        if (view.Removed) return Task.FromResult(HealthCheckResult.Unhealthy($"Node {view.NodeId} was removed from the cluster."));
        return Task.FromResult(view.LeaderKnown
            ? HealthCheckResult.Healthy($"Node {view.NodeId} is {view.Role} in term {view.Term}; leader is node {view.LeaderId}.")
            : HealthCheckResult.Unhealthy($"Node {view.NodeId} knows no leader in term {view.Term}."));
    }
}

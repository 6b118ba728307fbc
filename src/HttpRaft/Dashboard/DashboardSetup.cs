using HttpRaft.AspNetCore.Observability;

namespace HttpRaft.Dashboard;

/// <summary>Registers what the dashboard's routes need: the event stream, the actions found among the routes, and the cross-origin policy.</summary>
internal static class DashboardSetup
{
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddSingleton(sp => DashboardActions.From(sp.GetRequiredService<EndpointDataSource>()));
        services.AddSingleton(sp => new DashboardStream(
            sp.GetRequiredService<NodeTelemetry>(), sp.GetRequiredService<IClusterMembers>(), sp.GetRequiredService<DashboardActions>()));
        services.AddDashboardCors();
        return services;
    }
}

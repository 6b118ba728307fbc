using HttpRaft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace HttpRaft.Security;

/// <summary>Registers API-key authentication for the client routes and the policy that route groups require.</summary>
internal static class ClientAuthentication
{
    public const string PolicyName = "HttpRaft.Client";

    public static IServiceCollection AddClientAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClientApiOptions>().Bind(configuration.GetSection(RaftHostOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ClientApiOptions>, ClientApiOptionsValidator>();
        services.AddSingleton<ApiKeyRing>();
        services.AddSingleton<IAuthorizationHandler, ClientScopeHandler>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(PolicyName, policy => policy
            .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
            .AddRequirements(new ClientScopeRequirement()));
        return services;
    }

    /// <summary>
    /// Requires an API key of the right scope on every route of <paramref name="group"/> when keys are configured.
    /// Without keys the routes carry no policy at all: evaluating one that lets everyone in cost a few percent of
    /// the leader's CPU per append (measured with perf).
    /// </summary>
    public static RouteGroupBuilder RequireApiKey(this RouteGroupBuilder group, IServiceProvider services) =>
        services.GetRequiredService<ApiKeyRing>().Enabled ? group.RequireAuthorization(PolicyName) : group;

    /// <summary>Marks the routes of <paramref name="builder"/> as ones that change the cluster: with API keys configured, they need the <c>admin</c> scope.</summary>
    public static TBuilder RequireAdminScope<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new AdminScopeMetadata());
}

using Microsoft.OpenApi;

namespace HttpRaft.Infrastructure;

/// <summary>Swagger (Swashbuckle) for the client routes at <c>/swagger</c>; on unless <c>Swagger:Enabled</c> is false.</summary>
internal static class ClientApiDocs
{
    public static IServiceCollection AddClientApiDocs(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "HttpRaft client API",
                Version = "v1",
                Description = "A replicated, append-only log over HTTP (Raft). Writes go to the leader; any node serves committed reads. Errors are RFC 7807 problem details.",
            });
            o.SupportNonNullableReferenceTypes();
            o.NonNullableReferenceTypesAsRequired();
            o.IncludeXmlComments(typeof(ClientApiDocs).Assembly);
            o.SchemaFilter<ExampleSchemaFilter>();
            o.AddSecurityDefinition(ApiKeyOperationFilter.SchemeId, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key from the node's apiKeys setting: read scope for GET routes, write scope for appends, admin scope for the routes that change the cluster (membership, leadership transfer, DELETE /log). Needed only when apiKeys are configured.",
            });
            o.OperationFilter<ApiKeyOperationFilter>();
        });
        return services;
    }

    public static WebApplication UseClientApiDocs(this WebApplication app)
    {
        if (!app.Configuration.GetValue("Swagger:Enabled", defaultValue: true)) return app;
        app.UseSwagger();
        app.UseSwaggerUI(o => o.DocumentTitle = "HttpRaft");
        return app;
    }
}

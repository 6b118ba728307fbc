using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace HttpRaft.Infrastructure;

/// <summary>
/// Marks the operations that require an API key (those whose route carries an authorization policy) with the
/// <c>Bearer</c> security scheme, so Swagger UI's Authorize button sends the key to them and not to the health probes.
/// </summary>
internal sealed class ApiKeyOperationFilter : IOperationFilter
{
    public const string SchemeId = "Bearer";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any()) return;
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeId, context.Document)] = [] }];
    }
}

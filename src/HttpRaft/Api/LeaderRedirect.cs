using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace HttpRaft.Api;

/// <summary>
/// 307 Temporary Redirect to the same path on the leader's API address, with <c>{"leader"}</c> in the body for
/// clients that do not follow redirects. 307 (unlike 302) tells clients to repeat the POST with its body.
/// </summary>
internal sealed class LeaderRedirect(string leaderApi, string path)
    : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<LeaderHint>, IEndpointMetadataProvider
{
    public int? StatusCode => StatusCodes.Status307TemporaryRedirect;

    public LeaderHint Value { get; } = new(leaderApi);

    object? IValueHttpResult.Value => Value;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        // The leader's address as configured may say https://; NodeAddress keeps that scheme.
        httpContext.Response.Headers.Location = new Uri(AspNetCore.NodeAddress.Parse(leaderApi).ToHttpUri(), path).ToString();
        return TypedResults.Json(Value, statusCode: StatusCodes.Status307TemporaryRedirect).ExecuteAsync(httpContext);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status307TemporaryRedirect, typeof(LeaderHint), ["application/json"]));
    }
}

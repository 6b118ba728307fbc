using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace HttpRaft.Api;

/// <summary>
/// Reads a request body as JSON whatever its Content-Type says, as the Go original did (so <c>curl -d</c> needs no
/// header), and turns every way it can be wrong into a 400 problem with a reason.
/// </summary>
internal static class JsonBody
{
    /// <summary>
    /// The body as <typeparamref name="T"/>; null when it is empty and <paramref name="allowEmpty"/>. <paramref name="shape"/>
    /// says in a few words what the body must be, for the 400.
    /// </summary>
    public static async ValueTask<T?> ReadAsync<T>(HttpContext context, string shape, bool allowEmpty = false)
        where T : class
    {
        if (allowEmpty && IsEmpty(context.Request)) return null;
        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(context.Request.Body, json, context.RequestAborted).ConfigureAwait(false)
                ?? throw new BadHttpRequestException($"The body must be {shape}, not null.");
        }
        catch (JsonException e)
        {
            throw new BadHttpRequestException($"The body must be {shape}: {e.Message}", StatusCodes.Status400BadRequest, e);
        }
    }

    private static bool IsEmpty(HttpRequest request) =>
        request.ContentLength == 0 || request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false;
}

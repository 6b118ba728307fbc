using System.Buffers;
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
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(context.Request.Body, OptionsOf(context), context.RequestAborted).ConfigureAwait(false)
                ?? throw NullBody(shape);
        }
        catch (JsonException e)
        {
            throw Malformed(shape, e);
        }
    }

    /// <summary>As <see cref="ReadAsync"/>, for a body already read whole into <paramref name="body"/>.</summary>
    public static T Parse<T>(HttpContext context, ReadOnlySequence<byte> body, string shape)
        where T : class
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            return JsonSerializer.Deserialize<T>(ref reader, OptionsOf(context)) ?? throw NullBody(shape);
        }
        catch (JsonException e)
        {
            throw Malformed(shape, e);
        }
    }

    private static JsonSerializerOptions OptionsOf(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

    private static BadHttpRequestException NullBody(string shape) => new($"The body must be {shape}, not null.");

    private static BadHttpRequestException Malformed(string shape, JsonException e) =>
        new($"The body must be {shape}: {e.Message}", StatusCodes.Status400BadRequest, e);

    private static bool IsEmpty(HttpRequest request) =>
        request.ContentLength == 0 || request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false;
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace HttpRaft.AspNetCore.Security;

/// <summary>Writes an authentication scheme's 401 or 403 as an RFC 7807 problem, like every other 4xx of the node.</summary>
public static class AuthProblem
{
    /// <summary>401 with <c>WWW-Authenticate: Bearer</c> (RFC 6750 §3), so a client knows which credentials to send.</summary>
    public static Task ChallengeAsync(HttpContext context, string detail)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        return WriteAsync(context, StatusCodes.Status401Unauthorized, detail);
    }

    /// <summary>403: the credentials are valid but do not allow this request.</summary>
    public static Task ForbidAsync(HttpContext context, string detail) => WriteAsync(context, StatusCodes.Status403Forbidden, detail);

    private static async Task WriteAsync(HttpContext context, int status, string detail)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetService<IProblemDetailsService>();
        if (problems is null) return;
        await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = { Status = status, Detail = detail } }).ConfigureAwait(false);
    }
}

using System.Net;
using System.Text.Json;

namespace HttpRaft.Client;

/// <summary>
/// The server refused the call with an RFC 7807 problem that retrying will not change (a 4xx other than 408 and
/// 429, or a 500): a bad request, a missing key, an unknown member. Its fields are the problem's.
/// </summary>
public class HttpRaftProblemException : HttpRaftException
{
    /// <summary>A problem answered with <paramref name="statusCode"/>.</summary>
    public HttpRaftProblemException(HttpStatusCode statusCode, string? title, string? detail, string? type = null, IReadOnlyDictionary<string, JsonElement>? extensions = null)
        : base(Describe(statusCode, title, detail), statusCode)
    {
        Title = title;
        Detail = detail;
        ProblemType = type;
        Extensions = extensions ?? new Dictionary<string, JsonElement>();
    }

    /// <summary>The problem's <c>title</c>: a short summary of the kind of problem.</summary>
    public string? Title { get; }

    /// <summary>The problem's <c>detail</c>: what went wrong with this request, in words.</summary>
    public string? Detail { get; }

    /// <summary>The problem's <c>type</c> URI, if it had one.</summary>
    public string? ProblemType { get; }

    /// <summary>Members of the problem beyond the standard ones, such as <c>firstIndex</c> or <c>leader</c>.</summary>
    public IReadOnlyDictionary<string, JsonElement> Extensions { get; }

    private static string Describe(HttpStatusCode status, string? title, string? detail)
    {
        var what = detail ?? title ?? status.ToString();
        return $"The server answered {(int)status}: {what}";
    }
}

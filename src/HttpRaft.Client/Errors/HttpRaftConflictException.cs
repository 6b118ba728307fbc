using System.Net;
using System.Text.Json;

namespace HttpRaft.Client;

/// <summary>
/// <c>409</c>: a membership change or leadership transfer the cluster cannot make in its present state (an address
/// already in use, a learner not caught up, no voter left, a target that cannot lead). <see cref="HttpRaftProblemException.Detail"/> says which.
/// </summary>
public sealed class HttpRaftConflictException : HttpRaftProblemException
{
    /// <summary>A 409 problem.</summary>
    public HttpRaftConflictException(string? title, string? detail, IReadOnlyDictionary<string, JsonElement>? extensions = null)
        : base(HttpStatusCode.Conflict, title, detail, null, extensions)
    {
    }
}

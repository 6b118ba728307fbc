using System.Net;
using System.Text.Json;

namespace HttpRaft.Client;

/// <summary>
/// <c>410 Gone</c>: the entries asked for were deleted by retention. Read again from <see cref="FirstIndex"/>, or
/// rebuild from elsewhere the state those entries carried.
/// </summary>
public sealed class LogCompactedException : HttpRaftProblemException
{
    /// <summary>A 410 problem naming the log's first and last index.</summary>
    public LogCompactedException(string? title, string? detail, long firstIndex, long? lastIndex, IReadOnlyDictionary<string, JsonElement>? extensions = null)
        : base(HttpStatusCode.Gone, title, detail, null, extensions)
    {
        FirstIndex = firstIndex;
        LastIndex = lastIndex;
    }

    /// <summary>The first index the log still holds.</summary>
    public long FirstIndex { get; }

    /// <summary>The last index the log holds, when the server said.</summary>
    public long? LastIndex { get; }
}

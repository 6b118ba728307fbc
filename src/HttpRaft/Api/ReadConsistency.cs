using System.Globalization;
using HttpRaft.AspNetCore;

namespace HttpRaft.Api;

/// <summary>How fresh a read must be: <c>local</c> (this node's applied entries, no round trip) or <c>linearizable</c>.</summary>
internal enum Consistency
{
    Local,
    Linearizable,
}

/// <summary>
/// The <c>consistency</c> query parameter of the read routes: parses it, passes the linearizable read barrier
/// (ReadIndex: the leader confirms its commit index with a heartbeat round, then this node applies up to it), and
/// stamps the response with what the read reflects.
/// </summary>
internal static class ReadConsistency
{
    public const string ConsistencyHeader = "X-Raft-Consistency";
    public const string CommitIndexHeader = "X-Raft-Commit-Index";
    public const string ReadIndexHeader = "X-Raft-Read-Index";

    /// <summary>What the route's <c>consistency</c> parameter accepts.</summary>
    public const string Accepted = "`local` (default) or `linearizable`";

    public static bool TryParse(string? value, out Consistency consistency)
    {
        consistency = Consistency.Local;
        if (value is null || value.Equals("local", StringComparison.OrdinalIgnoreCase)) return true;
        if (!value.Equals("linearizable", StringComparison.OrdinalIgnoreCase)) return false;
        consistency = Consistency.Linearizable;
        return true;
    }

    public static string Name(this Consistency consistency) => consistency == Consistency.Linearizable ? "linearizable" : "local";

    /// <summary>
    /// For a linearizable read, the confirmed read index once this node has applied up to it; for a local read, 0.
    /// Null when no leader confirmed one within the commit timeout: the caller answers 503, never stale data.
    /// </summary>
    public static async Task<long?> BarrierAsync(IRaftLog log, Consistency consistency, CancellationToken cancellationToken) =>
        consistency == Consistency.Local ? 0 : await log.ReadIndexAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>The 503 for a linearizable read no leader confirmed in time.</summary>
    public static ProblemHttpResult Unconfirmed(IRaftLog log, HttpResponse response)
    {
        response.Headers.RetryAfter = "1";
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Read not confirmed",
            detail: "No leader confirmed a read index in time (no leader known, or it cannot reach a majority); a linearizable read is refused rather than served stale. Retry shortly, or read with consistency=local.",
            extensions: new Dictionary<string, object?> { ["leader"] = log.LeaderApiAddress ?? "" });
    }

    /// <summary>Says in headers what the answer reflects: its consistency, this node's applied (commit) index, and the read index if any.</summary>
    public static void Stamp(HttpResponse response, Consistency consistency, long commitIndex, long readIndex)
    {
        response.Headers[ConsistencyHeader] = consistency.Name();
        response.Headers[CommitIndexHeader] = commitIndex.ToString(CultureInfo.InvariantCulture);
        if (consistency == Consistency.Linearizable) response.Headers[ReadIndexHeader] = readIndex.ToString(CultureInfo.InvariantCulture);
    }
}

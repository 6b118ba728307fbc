using System.Runtime.CompilerServices;
using HttpRaft.Client.Transport;

namespace HttpRaft.Client;

public sealed partial class HttpRaftClient
{
    /// <summary>
    /// Every committed entry from <paramref name="fromIndex"/> on, in index order, then each new one as it commits
    /// (<c>tail -f</c>), until <paramref name="cancellationToken"/> is cancelled. Long-polls one member; when it fails,
    /// or turns out to have been removed from the cluster, moves to another and goes on from the next index, so no
    /// entry is skipped or repeated. Indexes may jump over internal no-op entries, which are never shown.
    /// </summary>
    /// <exception cref="LogCompactedException">
    /// The entries from the next index on were deleted by retention; <see cref="LogCompactedException.FirstIndex"/>
    /// is where the log now starts.
    /// </exception>
    public async IAsyncEnumerable<LogEntry> TailAsync(long fromIndex = 1, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromIndex, 1);
        var next = fromIndex;
        var wait = Invariant((long)options.LongPollWait.TotalMilliseconds);
        var limit = Invariant(options.PageSize);
        while (true)
        {
            var from = next;
            var call = new Call("tail", Route.AnyMember, m => Get(m, $"log?index={Invariant(from)}&limit={limit}&wait={wait}"), Timeout.InfiniteTimeSpan, options.LongPollWait);
            LogPage page;
            Uri member;
            using (var reply = await sender.SendAsync(call, cancellationToken).ConfigureAwait(false))
            {
                page = await ReadBodyAsync(reply, ClientJsonContext.Default.LogPage, null, cancellationToken).ConfigureAwait(false);
                member = reply.Member;
            }
            // A long-poll that waited in vain: the member may have been removed from the cluster, and a removed node
            // still answers from a log that no longer grows. Its status says so; the tail then goes on elsewhere.
            if (page.Entries.Count == 0) await ForgetIfRemovedAsync(member, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page.Entries)
            {
                // The index is the identity of an entry: one already yielded is never yielded again.
                if (entry.Index < next) continue;
                next = entry.Index + 1;
                yield return entry;
            }
        }
    }

    private async Task ForgetIfRemovedAsync(Uri member, CancellationToken cancellationToken)
    {
        try
        {
            if (await GetStatusAsync(member, cancellationToken).ConfigureAwait(false) is not { Role: "removed" } status) return;
            members.Identify(status.Id, member);
            members.Forget(status.Id);
        }
        catch (Exception e) when (e is HttpRaftException or System.Text.Json.JsonException)
        {
            // No answer, or not a status: the next long-poll finds out whether the member is still there.
        }
    }
}

using System.Runtime.CompilerServices;
using HttpRaft.Client.Transport;

namespace HttpRaft.Client;

public sealed partial class HttpRaftClient
{
    /// <summary>
    /// Every committed entry from <paramref name="fromIndex"/> on, in index order, then each new one as it commits
    /// (<c>tail -f</c>), until <paramref name="cancellationToken"/> is cancelled. Long-polls one member; when it fails,
    /// moves to another and goes on from the next index, so no entry is skipped or repeated. Indexes may jump over
    /// internal no-op entries, which are never shown.
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
            var page = await GetAsync(call, ClientJsonContext.Default.LogPage, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page.Entries)
            {
                // The index is the identity of an entry: one already yielded is never yielded again.
                if (entry.Index < next) continue;
                next = entry.Index + 1;
                yield return entry;
            }
        }
    }
}

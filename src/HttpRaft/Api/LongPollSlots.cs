using HttpRaft.AspNetCore;
using Microsoft.Extensions.Options;

namespace HttpRaft.Api;

/// <summary>
/// Counts the long-polls (<c>GET /log?wait=</c>) in progress, at most <see cref="ReadOptions.MaxLongPolls"/>, so
/// readers cannot make a node hold unbounded requests; one over the limit gets 429.
/// </summary>
internal sealed class LongPollSlots(IOptions<ReadOptions> options)
{
    private readonly int capacity = options.Value.MaxLongPolls;
    private int taken;

    public int InUse => Volatile.Read(ref taken);

    /// <summary>A slot to release by disposing, or null when every slot is taken.</summary>
    public Slot? TryTake()
    {
        if (Interlocked.Increment(ref taken) <= capacity) return new Slot(this);
        Interlocked.Decrement(ref taken);
        return null;
    }

    /// <summary>One long-poll's hold on a slot.</summary>
    internal sealed class Slot(LongPollSlots owner) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) Interlocked.Decrement(ref owner.taken);
        }
    }

    /// <summary>The 429 for a long-poll over the limit.</summary>
    public static ProblemHttpResult Busy(HttpResponse response)
    {
        response.Headers.RetryAfter = "1";
        return TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            detail: "Too many long-polls are waiting on this node; retry shortly, or read without wait.");
    }
}

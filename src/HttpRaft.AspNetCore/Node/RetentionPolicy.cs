using HttpRaft.Storage;

namespace HttpRaft.AspNetCore.Node;

/// <summary>What the leader knows when it checks retention: its log's bounds, its followers' match indexes, its segments, the time.</summary>
internal sealed record RetentionState(
    long FirstIndex, long CommitIndex, long AppliedIndex, IReadOnlyList<long> FollowerMatches, IReadOnlyList<SegmentSummary> Segments, DateTimeOffset Now);

/// <summary>
/// Where the leader cuts the log for <see cref="RetentionOptions"/> (docs/design.md §8): the highest first index any limit
/// asks for, held back for followers within the catch-up margin, never past what is committed and applied. A pure
/// function, so each rule is tested on its own.
/// </summary>
internal static class RetentionPolicy
{
    /// <summary>The first index to keep if the log should be cut now; null when no limit asks for a cut worth making.</summary>
    public static long? FirstIndexToKeep(RetentionOptions options, RetentionState state)
    {
        var wanted = Math.Max(ByEntries(options, state), BySegments(options, state));
        wanted = HeldForFollowers(wanted, options.CatchUpEntries, state);
        // A cut keeps the last committed, applied entry: the snapshot's index is then committed and applied everywhere it is taken.
        wanted = Math.Min(wanted, Math.Min(state.CommitIndex, state.AppliedIndex));
        return wanted > state.FirstIndex ? wanted : null;
    }

    /// <summary>
    /// The newest MaxEntries entries up to the commit index; cut only once a tenth of them is due, so a busy log takes one
    /// snapshot per step, not one per check.
    /// </summary>
    private static long ByEntries(RetentionOptions options, RetentionState state)
    {
        if (options.MaxEntries is not { } max) return 0;
        var first = state.CommitIndex - max + 1;
        return first - state.FirstIndex >= Math.Max(1, max / 10) ? first : 0;
    }

    /// <summary>The first index of the oldest segment to keep by size (newest first, within MaxBytes) and by age; the newest segment always stays.</summary>
    private static long BySegments(RetentionOptions options, RetentionState state)
    {
        var segments = state.Segments;
        long wanted = 0, bytes = 0;
        for (var i = segments.Count - 1; i > 0 && options.MaxBytes is { } maxBytes; i--)
        {
            bytes += segments[i].Bytes;
            if (bytes + segments[i - 1].Bytes <= maxBytes) continue;
            wanted = segments[i].FirstIndex;
            break;
        }
        if (options.MaxAgeHours is not { } hours) return wanted;
        var oldest = state.Now - TimeSpan.FromHours(hours);
        for (var i = 0; i < segments.Count - 1 && segments[i].LastWritten < oldest; i++) wanted = Math.Max(wanted, segments[i + 1].FirstIndex);
        return wanted;
    }

    /// <summary>A follower within <paramref name="margin"/> of the commit index keeps the entries it still needs; one further behind gets a snapshot.</summary>
    private static long HeldForFollowers(long wanted, long margin, RetentionState state)
    {
        foreach (var match in state.FollowerMatches)
        {
            if (state.CommitIndex - match <= margin) wanted = Math.Min(wanted, match + 1);
        }
        return wanted;
    }
}

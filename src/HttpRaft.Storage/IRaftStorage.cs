using HttpRaft.Consensus;

namespace HttpRaft.Storage;

/// <summary>
/// A node's log storage as the host uses it: the consensus core reads it through <see cref="IRaftLogStorage"/>,
/// the node loop writes each <see cref="Ready"/> through <see cref="Save"/>, and request threads read committed
/// entries through <see cref="ReadRange"/> while the loop keeps writing.
/// </summary>
/// <remarks>
/// Only the node loop calls <see cref="Save"/> and the <see cref="IRaftLogStorage"/> members, one call at a
/// time. <see cref="ReadRange"/> may be called from any thread at any moment; an implementation must never
/// make it wait for disk I/O in progress on the loop (publish what was written only after it is durable).
/// </remarks>
public interface IRaftStorage : IRaftLogStorage
{
    /// <summary>
    /// Persists one <see cref="Ready"/>'s write set: <paramref name="entries"/> replace any stored entries at or
    /// after the first one's index, and <paramref name="hardState"/> (if not null) replaces the stored one. When
    /// <paramref name="sync"/> is true everything written must reach stable storage, with one sync for the batch,
    /// before this returns: the loop sends votes and acknowledgements right after.
    /// </summary>
    void Save(HardState? hardState, IReadOnlyList<Entry> entries, bool sync);

    /// <summary>
    /// The stored entries in [<paramref name="low"/>, <paramref name="high"/>), clipped to what is stored. Safe
    /// from any thread. Callers ask only for committed entries, which are never truncated, so the answer is stable.
    /// </summary>
    IReadOnlyList<Entry> ReadRange(long low, long high);
}

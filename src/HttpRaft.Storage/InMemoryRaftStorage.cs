using HttpRaft.Consensus;

namespace HttpRaft.Storage;

/// <summary>
/// Storage that keeps the log in memory only: for tests and embedders that accept losing everything when the process
/// ends. The default is the durable <see cref="FileRaftStorage"/>.
/// </summary>
/// <remarks>
/// It wraps the core's <see cref="MemoryStorage"/> and guards it with one lock: request threads read while the
/// node loop writes. Nothing inside the lock does I/O, so holding it is always short.
/// </remarks>
public sealed class InMemoryRaftStorage : IRaftStorage
{
    private readonly MemoryStorage inner = new();
    private readonly Lock gate = new();

    public HardState HardState
    {
        get { lock (gate) return inner.HardState; }
    }

    public long FirstIndex
    {
        get { lock (gate) return inner.FirstIndex; }
    }

    public long LastIndex
    {
        get { lock (gate) return inner.LastIndex; }
    }

    public long Term(long index)
    {
        lock (gate) return inner.Term(index);
    }

    public IReadOnlyList<long> ConfigurationIndexes
    {
        get { lock (gate) return [.. inner.ConfigurationIndexes]; }
    }

    public IReadOnlyList<Entry> Entries(long low, long high, long maxBytes)
    {
        lock (gate) return inner.Entries(low, high, maxBytes);
    }

    public void Save(HardState? hardState, IReadOnlyList<Entry> entries, bool sync)
    {
        ArgumentNullException.ThrowIfNull(entries);
        // Memory needs no sync: the flag matters only to durable implementations.
        lock (gate)
        {
            inner.Append(entries);
            if (hardState is { } state) inner.SetHardState(state);
        }
    }

    public IReadOnlyList<Entry> ReadRange(long low, long high)
    {
        lock (gate)
        {
            low = Math.Max(low, inner.FirstIndex);
            high = Math.Min(high, inner.LastIndex + 1);
            return low < high ? inner.Entries(low, high, long.MaxValue) : [];
        }
    }
}

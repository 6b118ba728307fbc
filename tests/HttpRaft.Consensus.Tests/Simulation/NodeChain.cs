using HttpRaft.Consensus;

namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>
/// One node's persisted log as the checker follows it: at each index the log retains, the hash chained over the whole
/// prefix up to it, deleted entries included. It starts after the node's snapshot, whose hash is the committed prefix's.
/// </summary>
internal sealed class NodeChain
{
    // hashes[i] is the chain through Base + i.
    private readonly List<ulong> hashes = [0];

    /// <summary>The index the chain starts at: the node's snapshot, or 0.</summary>
    public long Base { get; private set; }

    public long LastIndex => Base + hashes.Count - 1;

    public ulong At(long index) =>
        index >= Base && index <= LastIndex ? hashes[(int)(index - Base)] : throw new ArgumentOutOfRangeException(nameof(index), index, $"The chain holds [{Base}, {LastIndex}].");

    /// <summary>Drops the hashes from <paramref name="first"/> on: the log replaces its entries there.</summary>
    public void TruncateFrom(long first)
    {
        if (first <= Base || first > LastIndex + 1) throw new ArgumentOutOfRangeException(nameof(first), first, $"The chain holds [{Base}, {LastIndex}].");
        hashes.RemoveRange((int)(first - Base), (int)(LastIndex + 1 - first));
    }

    public ulong Append(Entry entry)
    {
        if (entry.Index != LastIndex + 1) throw new ArgumentException($"Entry {entry.Index} does not follow {LastIndex}.", nameof(entry));
        hashes.Add(EntryHashing.Chain(hashes[^1], entry));
        return hashes[^1];
    }

    /// <summary>The log was compacted up to <paramref name="index"/>: the chain now starts there.</summary>
    public void Compact(long index)
    {
        hashes.RemoveRange(0, (int)(index - Base));
        Base = index;
    }

    /// <summary>The log was replaced by a snapshot at <paramref name="index"/> whose prefix hashes to <paramref name="hash"/>.</summary>
    public void Reset(long index, ulong hash)
    {
        hashes.Clear();
        hashes.Add(hash);
        Base = index;
    }
}

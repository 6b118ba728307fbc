using System.Buffers.Binary;
using HttpRaft.Consensus;

namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>
/// A simulated host's state machine: a hash chained over every entry it applied, so two state machines agree exactly
/// when they applied the same prefix. It remembers its state at each index it applied since its last snapshot, so the
/// host can snapshot at any of them (a truncation cuts below the index it names, not at the applied index). Lost on a
/// crash; restored from the snapshot in storage on restart.
/// </summary>
internal sealed class SimStateMachine
{
    /// <summary>Bytes of host data before the padding: the state.</summary>
    public const int StateBytes = 8;

    // states[i] is the state after applying everything up to Base + i.
    private readonly List<ulong> states = [0];

    /// <summary>The index the remembered states start at: the snapshot restored or taken last, or 0.</summary>
    public long Base { get; private set; }

    /// <summary>The last index applied.</summary>
    public long Applied => Base + states.Count - 1;

    public ulong State => states[^1];

    public void Apply(Entry entry)
    {
        if (entry.Index != Applied + 1) throw new InvalidOperationException($"The state machine at {Applied} was handed entry {entry.Index}.");
        states.Add(EntryHashing.Chain(State, entry));
    }

    /// <summary>The host data of a snapshot at <paramref name="index"/>: the state then, and <paramref name="padding"/> bytes so that some snapshots take many pieces.</summary>
    public byte[] SnapshotData(long index, int padding)
    {
        var data = new byte[StateBytes + padding];
        BinaryPrimitives.WriteUInt64LittleEndian(data, StateAt(index));
        for (var i = StateBytes; i < data.Length; i++) data[i] = (byte)i;
        return data;
    }

    /// <summary>Forgets the states before <paramref name="index"/>: the log below it is gone, so no snapshot will be taken there.</summary>
    public void Forget(long index)
    {
        if (index <= Base) return;
        states.RemoveRange(0, (int)(index - Base));
        Base = index;
    }

    /// <summary>Takes the state of a snapshot at <paramref name="index"/> (or the empty state at 0).</summary>
    public void Restore(long index, ReadOnlySpan<byte> hostData)
    {
        states.Clear();
        states.Add(index == 0 ? 0 : ReadState(hostData));
        Base = index;
    }

    /// <summary>The state a snapshot's host data holds.</summary>
    public static ulong ReadState(ReadOnlySpan<byte> hostData) =>
        hostData.Length >= StateBytes ? BinaryPrimitives.ReadUInt64LittleEndian(hostData) : throw new InvalidOperationException($"Host data of {hostData.Length} bytes holds no state.");

    private ulong StateAt(long index) =>
        index >= Base && index <= Applied ? states[(int)(index - Base)] : throw new ArgumentOutOfRangeException(nameof(index), index, $"The state machine remembers [{Base}, {Applied}].");
}

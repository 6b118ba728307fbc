using HttpRaft.Consensus;

namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>
/// The snapshot checks (Raft §7). The checker keeps the hash chained over the committed prefix at each committed index,
/// which is also the state a host's state machine holds after applying that prefix. Then:
/// <list type="bullet">
/// <item>a snapshot, taken by a node or received from a leader, covers only committed entries: its term is the
/// committed entry's at its index, its configuration the one in force there, and its host data the state of the
/// committed prefix;</item>
/// <item>a node compacts only a prefix of its log that is the committed one;</item>
/// <item>installing a snapshot never takes a state machine back, and applying goes on from the entry after it (checked
/// with every applied entry).</item>
/// </list>
/// </summary>
internal sealed partial class SafetyChecker
{
    // committedChain[i] is the hash chained over the committed prefix up to i.
    private readonly List<ulong> committedChain = [0];

    /// <summary>A snapshot that node <paramref name="node"/> took or received (<paramref name="origin"/>) must stand for the committed prefix up to its index.</summary>
    public void OnSnapshot(int node, Snapshot snapshot, string origin)
    {
        var index = snapshot.Index;
        if (index < 1 || index > CommittedThrough)
        {
            throw new SimulationFailureException($"Node {node}'s snapshot ({origin}) at {index} covers entries not known committed (committed through {CommittedThrough}).");
        }
        if (committed[index].Term != snapshot.Term)
        {
            throw new SimulationFailureException($"Node {node}'s snapshot ({origin}) at {index} has term {snapshot.Term}; the committed entry there has term {committed[index].Term}.");
        }
        if (SimStateMachine.ReadState(snapshot.HostData.Span) != committedChain[(int)index])
        {
            throw new SimulationFailureException($"Node {node}'s snapshot ({origin}) at {index} holds a state that is not the committed prefix's.");
        }
        if (!snapshot.Configuration.SameAs(ConfigurationAt(index)))
        {
            throw new SimulationFailureException($"Node {node}'s snapshot ({origin}) at {index} records the configuration {snapshot.Configuration}, not {ConfigurationAt(index)} in force there.");
        }
    }

    /// <summary>Node <paramref name="node"/> deleted its log up to <paramref name="snapshot"/>'s index: what it deleted must be the committed prefix.</summary>
    public void OnCompacted(int node, Snapshot snapshot)
    {
        var chain = ChainOf(node);
        if (chain.At(snapshot.Index) != committedChain[(int)snapshot.Index])
        {
            throw new SimulationFailureException($"Node {node} compacted its log up to {snapshot.Index}, but its prefix there is not the committed one.");
        }
        chain.Compact(snapshot.Index);
    }

    /// <summary>Node <paramref name="node"/>, having applied up to <paramref name="appliedBefore"/>, replaced its log with a leader's snapshot.</summary>
    public void OnInstalled(int node, Snapshot snapshot, long appliedBefore)
    {
        if (snapshot.Index <= appliedBefore)
        {
            throw new SimulationFailureException($"Node {node} installed a snapshot at {snapshot.Index}, taking back its state machine, which had applied up to {appliedBefore}.");
        }
        ChainOf(node).Reset(snapshot.Index, committedChain[(int)snapshot.Index]);
    }
}

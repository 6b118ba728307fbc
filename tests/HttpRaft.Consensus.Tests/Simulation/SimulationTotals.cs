namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>What a batch of seeds exercised, summed over its runs: the figures docs/testing.md records.</summary>
internal sealed class SimulationTotals
{
    private readonly object gate = new();
    private long steps;
    private long elections;
    private long acknowledged;
    private long transfers;
    private long strikes;
    private long snapshotsSent;
    private long snapshotsInstalled;
    private long compactions;
    private long truncations;

    public MembershipCounts Changes { get; } = new();

    /// <summary>Adds one run's figures; safe from the parallel runs.</summary>
    public void Add(SimulationRun run)
    {
        lock (gate)
        {
            steps += run.Steps;
            elections += run.Elections;
            acknowledged += run.AcknowledgedCount;
            transfers += run.Transfers;
            strikes += run.Strikes;
            snapshotsSent += run.SnapshotsSent;
            snapshotsInstalled += run.SnapshotsInstalled;
            compactions += run.Compactions;
            truncations += run.Truncations;
            Changes.Add(run.Changes);
        }
    }

    public override string ToString()
    {
        lock (gate)
        {
            return $"{steps:N0} steps, {elections:N0} elections, {acknowledged:N0} acknowledged entries, {transfers:N0} leadership transfers, " +
                $"{strikes:N0} faults at a change or an election, {Changes}, {compactions:N0} compactions ({truncations:N0} truncations committed), " +
                $"{snapshotsSent:N0} snapshots sent, {snapshotsInstalled:N0} installed";
        }
    }
}

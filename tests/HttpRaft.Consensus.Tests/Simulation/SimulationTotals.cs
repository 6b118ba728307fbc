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
    private long ticksToLeader;
    private long catchUpShare;

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
            ticksToLeader = Math.Max(ticksToLeader, run.TicksToLeader);
            catchUpShare = Math.Max(catchUpShare, run.CatchUpShareOfBound);
            Changes.Add(run.Changes);
        }
    }

    public override string ToString()
    {
        lock (gate)
        {
            return $"{steps:N0} steps, {elections:N0} elections, {acknowledged:N0} acknowledged entries, {transfers:N0} leadership transfers, " +
                $"{strikes:N0} faults at a change or an election, {Changes}, {compactions:N0} compactions ({truncations:N0} truncations committed), " +
                $"{snapshotsSent:N0} snapshots sent, {snapshotsInstalled:N0} installed; after healing, at most {ticksToLeader} ticks to a leader " +
                $"and {catchUpShare} % of the catch-up bound used";
        }
    }
}

namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>
/// How hard one seed's schedule pushes each kind of fault (swarm testing, Groce et al. 2012): every seed weights the
/// faults differently, so some seeds run long quiet stretches and others constant churn, and the combinations that a
/// single fixed mix makes rare (two partitions in a row, a change right after an election) come up in some seeds.
/// Rates are chances per unit of simulated time.
/// </summary>
/// <param name="LongOutage">A node crashes and stays down 40 to 140 ticks, long enough for the log it needs to be deleted.</param>
/// <param name="Compaction">A node deletes a prefix of its applied log on its own, keeping a snapshot.</param>
/// <param name="Truncation">The operator asks the leader to delete a committed prefix on every node.</param>
internal sealed record FaultProfile(
    double Partition, double Crash, double MembershipRequest, double AtChange, double AtElection, double EagerOperator,
    double LongOutage, double Compaction, double Truncation)
{
    public static FaultProfile Draw(Random random)
    {
        // Log-uniform between a quarter and four times the base rate.
        double Scale() => Math.Pow(2, (random.NextDouble() * 4) - 2);
        // A third of the seeds never strike at an interesting moment, so the plain random schedule stays covered.
        double Sometimes(double max) => random.Next(3) == 0 ? 0 : random.NextDouble() * max;
        return new FaultProfile(
            Partition: 0.003 * Scale(),
            Crash: 0.001 * Scale(),
            MembershipRequest: 0.006 * Scale(),
            AtChange: Sometimes(1),
            AtElection: Sometimes(1),
            EagerOperator: Sometimes(1),
            LongOutage: 0.0005 * Scale(),
            Compaction: Sometimes(0.006),
            Truncation: Sometimes(0.002));
    }

    public override string ToString() =>
        $"partition {Partition:F4}, crash {Crash:F4}, membership requests {MembershipRequest:F4}, strike at a change {AtChange:F2}, at an election {AtElection:F2}, eager operator {EagerOperator:F2}, " +
        $"long outage {LongOutage:F4}, compaction {Compaction:F4}, truncation {Truncation:F4}";
}

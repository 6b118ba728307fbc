namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>Membership changes that committed, by kind: what a run (or a sum of runs) exercised.</summary>
internal sealed class MembershipCounts
{
    private readonly int[] counts = new int[Enum.GetValues<Kind>().Length];

    public enum Kind
    {
        /// <summary>The first leader wrote the bootstrap configuration into the log; not a change.</summary>
        Bootstrap,
        Added,
        /// <summary>A learner promoted on request.</summary>
        Promoted,
        /// <summary>A learner added with PromoteWhenCaughtUp, promoted by a leader once it had caught up.</summary>
        PromotedWhenCaughtUp,
        RemovedVoter,
        RemovedLearner,
    }

    public int this[Kind kind] => counts[(int)kind];

    /// <summary>Every change except the bootstrap configuration.</summary>
    public int Total => counts.Sum() - this[Kind.Bootstrap];

    public void Count(Kind kind) => counts[(int)kind]++;

    /// <summary>Adds <paramref name="other"/>'s counts to these; callers serialize concurrent adds.</summary>
    public void Add(MembershipCounts other)
    {
        for (var i = 0; i < counts.Length; i++) counts[i] += other.counts[i];
    }

    public override string ToString() =>
        $"{Total:N0} membership changes committed ({this[Kind.Added]:N0} learners added, {this[Kind.Promoted]:N0} promoted on request, " +
        $"{this[Kind.PromotedWhenCaughtUp]:N0} promoted once caught up, {this[Kind.RemovedVoter]:N0} voters and {this[Kind.RemovedLearner]:N0} learners removed)";
}

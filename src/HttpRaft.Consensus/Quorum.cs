namespace HttpRaft.Consensus;

/// <summary>The result of counting votes.</summary>
internal enum VoteResult
{
    Pending,
    Won,
    Lost,
}

/// <summary>Majority arithmetic over a fixed set of voters: elections, commit index, and read rounds.</summary>
internal static class Quorum
{
    public static int Majority(int voters) => voters / 2 + 1;

    public static VoteResult Tally(int voters, int granted, int rejected)
    {
        var majority = Majority(voters);
        if (granted >= majority) return VoteResult.Won;
        if (rejected > voters - majority) return VoteResult.Lost;
        return VoteResult.Pending;
    }

    /// <summary>The largest value that a majority of voters has reached: for match indexes, the highest replicated index.</summary>
    public static long MajorityValue(Span<long> values)
    {
        values.Sort();
        return values[values.Length - Majority(values.Length)];
    }
}

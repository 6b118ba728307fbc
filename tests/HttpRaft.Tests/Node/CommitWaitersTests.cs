using HttpRaft.AspNetCore;
using HttpRaft.AspNetCore.Node;
using HttpRaft.Consensus;

namespace HttpRaft.Tests.Node;

/// <summary>A waiting append is bound to (index, term): it succeeds only if that exact entry commits.</summary>
public sealed class CommitWaitersTests
{
    private readonly CommitWaiters waiters = new();

    [Fact]
    public async Task The_entry_committing_with_the_proposals_term_completes_it()
    {
        var proposal = Appended(first: 3, last: 4, term: 2);

        waiters.OnCommitted([Entry.Normal(3, 2, default), Entry.Normal(4, 2, default)], leaderId: 1);

        Assert.Equal(new AppendResult(AppendOutcome.Committed, 3, 4, 2, 1), await proposal.Task);
        Assert.Equal(0, waiters.Count);
    }

    [Fact]
    public async Task Another_terms_entry_at_the_index_means_it_was_overwritten()
    {
        var proposal = Appended(first: 4, last: 4, term: 2);

        waiters.OnCommitted([Entry.NoOp(4, 3)], leaderId: 2);

        var result = await proposal.Task;
        Assert.Equal(AppendOutcome.Overwritten, result.Outcome);
        Assert.Equal(2, result.LeaderId);
    }

    [Fact]
    public void Earlier_commits_leave_later_waiters_waiting()
    {
        var proposal = Appended(first: 5, last: 5, term: 2);

        waiters.OnCommitted([Entry.Normal(4, 2, default)], leaderId: 1);

        Assert.False(proposal.Task.IsCompleted);
    }

    [Fact]
    public async Task Failing_all_tells_every_waiter_the_new_leader()
    {
        var first = Appended(first: 5, last: 5, term: 2);
        var second = Appended(first: 6, last: 6, term: 2);

        waiters.FailAll(AppendOutcome.LeadershipLost, leaderId: 2, term: 3);

        Assert.All([await first.Task, await second.Task], r => Assert.Equal((AppendOutcome.LeadershipLost, 2), (r.Outcome, r.LeaderId)));
        Assert.Equal(0, waiters.Count);
    }

    private ProposeInput Appended(long first, long last, long term)
    {
        var proposal = new ProposeInput([ReadOnlyMemory<byte>.Empty]);
        proposal.Appended(new ProposeResult(ProposeRejection.None, first, last, term, 1));
        waiters.Add(proposal);
        return proposal;
    }
}

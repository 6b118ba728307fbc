namespace HttpRaft.Consensus.Tests;

/// <summary>
/// The leader's queue of linearizable reads (dissertation §6.4), rule by rule: reads join the open heartbeat round,
/// a round confirmed by a majority answers every read of it and of earlier rounds, and reads that came before the
/// term's first commit wait apart.
/// </summary>
public sealed class ReadIndexQueueTests
{
    [Fact]
    public void Reads_between_two_heartbeats_share_one_round_and_a_heartbeat_closes_it()
    {
        var reads = new ReadIndexQueue();

        Assert.Equal(1, reads.Add(1, from: 0, commitIndex: 5));
        Assert.Equal(1, reads.Add(2, from: 1, commitIndex: 5));
        reads.CloseRound();
        Assert.Equal(1, reads.CurrentRound); // closing alone opens nothing
        Assert.Equal(2, reads.Add(3, from: 0, commitIndex: 6));
        Assert.Equal(2, reads.CurrentRound);
    }

    [Fact]
    public void A_confirmed_round_answers_its_reads_and_earlier_ones_in_order_with_the_commit_index_each_saw()
    {
        var reads = new ReadIndexQueue();
        reads.Add(1, from: 0, commitIndex: 5);
        reads.CloseRound();
        reads.Add(2, from: 1, commitIndex: 6);
        reads.CloseRound();
        reads.Add(3, from: 2, commitIndex: 7);

        Assert.Empty(reads.Confirm(0));
        Assert.Equal([new PendingRead(1, 0, 5, 1), new PendingRead(2, 1, 6, 2)], reads.Confirm(2));
        Assert.Empty(reads.Confirm(2)); // answered once
        Assert.Equal([new PendingRead(3, 2, 7, 3)], reads.Confirm(3));
    }

    [Fact]
    public void Reads_waiting_for_the_terms_first_commit_are_handed_over_once_and_all_reads_are_taken_at_a_step_down()
    {
        var reads = new ReadIndexQueue();
        reads.WaitForTermCommit(1, from: 0);
        reads.WaitForTermCommit(2, from: 1);

        Assert.Equal([(1L, 0), (2L, 1)], reads.TakeWaitingForTermCommit());
        Assert.Empty(reads.TakeWaitingForTermCommit());

        reads.WaitForTermCommit(3, from: 2);
        reads.Add(4, from: 0, commitIndex: 9);
        Assert.Equal([3L, 4L], reads.TakeAll().Select(r => r.RequestId));
        Assert.Empty(reads.TakeAll());
        Assert.Empty(reads.Confirm(long.MaxValue));
    }
}

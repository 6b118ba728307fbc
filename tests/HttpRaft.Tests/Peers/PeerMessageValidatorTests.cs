using HttpRaft.AspNetCore.Peers;
using HttpRaft.Consensus;

namespace HttpRaft.Tests.Peers;

/// <summary>Messages the core could not safely step are turned away at the door.</summary>
public sealed class PeerMessageValidatorTests
{
    private const int Self = 0;
    private const int ClusterSize = 3;

    [Fact]
    public void A_well_formed_append_is_accepted()
    {
        var append = new AppendRequest(1, Self, 3, 4, 2, [Entry.Normal(5, 3, default), Entry.Normal(6, 3, default)], 4);

        Assert.Null(PeerMessageValidator.Validate(append, Self, ClusterSize));
    }

    public static TheoryData<Message, string> Rejected() => new()
    {
        { new Heartbeat(1, 2, 3, 0, 0), "addressed to node 2" },
        { new Heartbeat(Self, Self, 3, 0, 0), "not another member" },
        { new Heartbeat(7, Self, 3, 0, 0), "not another member" },
        { new Heartbeat(1, Self, -1, 0, 0), "negative term" },
        { new VoteRequest(1, Self, 3, false, -4, 0), "negative" },
        { new AppendRequest(1, Self, 3, 4, 2, [Entry.Normal(6, 3, default)], 4), "does not follow on" },
        { new AppendRequest(1, Self, 3, 4, 2, [Entry.Normal(5, 4, default)], 4), "outside 1..3" },
        { new AppendRequest(1, Self, 3, 4, 2, [Entry.Normal(5, 0, default)], 4), "outside 1..3" },
        { new Heartbeat(1, Self, long.MaxValue, 0, 0), "impossibly large" },
        { new VoteRequest(1, Self, 3, false, long.MaxValue / 2 + 1, 0), "impossibly large" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Impossible_messages_are_rejected_with_a_reason(Message message, string reason)
    {
        Assert.Contains(reason, PeerMessageValidator.Validate(message, Self, ClusterSize), StringComparison.Ordinal);
    }
}

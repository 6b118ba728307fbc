using HttpRaft.AspNetCore;

namespace HttpRaft.Tests.Node;

/// <summary>
/// The host bounds what a leader has in flight to one follower at eight AppendEntries messages' worth of bytes, so a
/// follower catching up from far behind is not sent 64 full messages in one turn of the leader's loop (the endurance
/// benchmark saw such turns outlast the other follower's election timeout, and elections follow every snapshot install).
/// </summary>
public sealed class CatchUpWindowTests
{
    [Fact]
    public void The_core_gets_eight_messages_worth_of_bytes_in_flight_with_the_default_message_size()
    {
        var config = new RaftHostOptions { NodeId = 0, Peers = ["peer0:8000"], Apis = ["api0:9000"] }.ToRaftConfig();

        Assert.Equal(1024 * 1024, config.MaxBytesPerMessage);
        Assert.Equal(8L * 1024 * 1024, config.MaxInflightBytes);
    }

    [Fact]
    public void The_window_follows_the_configured_message_size()
    {
        var config = new RaftHostOptions { NodeId = 0, Peers = ["peer0:8000"], Apis = ["api0:9000"], MaxAppendBytes = 256 * 1024 }.ToRaftConfig();

        Assert.Equal(2L * 1024 * 1024, config.MaxInflightBytes);
    }
}

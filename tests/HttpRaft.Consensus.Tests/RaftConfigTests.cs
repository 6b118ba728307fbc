namespace HttpRaft.Consensus.Tests;

/// <summary>RaftConfig.Validate: each setting that cannot work is refused with a message naming it.</summary>
public sealed class RaftConfigTests
{
    private static readonly RaftConfig Valid = new() { Id = 1, Bootstrap = Configuration.Bootstrap([0, 1, 2]) };

    [Theory]
    [InlineData("Id", "Id must not be negative.")]
    [InlineData("Bootstrap", "Id 5 is not one of the bootstrap members.")]
    [InlineData("HeartbeatTicks", "HeartbeatTicks must be at least 1.")]
    [InlineData("ElectionTicks", "ElectionTicks must be greater than HeartbeatTicks.")]
    [InlineData("MaxBytesPerMessage", "MaxBytesPerMessage must be positive.")]
    [InlineData("MaxInflightMessages", "MaxInflightMessages must be at least 1.")]
    [InlineData("MaxInflightBytes", "MaxInflightBytes must not be negative.")]
    [InlineData("MaxCommittedBytesPerReady", "MaxCommittedBytesPerReady must be positive.")]
    [InlineData("MaxUncommittedBytes", "MaxUncommittedBytes must not be negative.")]
    [InlineData("Applied", "Applied must not be negative.")]
    public void A_setting_that_cannot_work_is_refused_with_a_message_naming_it(string setting, string message)
    {
        var config = Broken(setting);

        var refused = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Equal(message, refused.Message);
        // A node is never built on it.
        Assert.Throws<ArgumentException>(() => new RaftNode(config, new MemoryStorage()));
    }

    /// <summary>The valid configuration with one setting just past what works.</summary>
    private static RaftConfig Broken(string setting) => setting switch
    {
        "Id" => With(Valid, id: -1, bootstrap: Configuration.Empty),
        "Bootstrap" => With(Valid, id: 5),
        "HeartbeatTicks" => With(Valid, heartbeatTicks: 0),
        "ElectionTicks" => With(Valid, electionTicks: 2, heartbeatTicks: 2),
        "MaxBytesPerMessage" => With(Valid, maxBytesPerMessage: 0),
        "MaxInflightMessages" => With(Valid, maxInflightMessages: 0),
        "MaxInflightBytes" => With(Valid, maxInflightBytes: -1),
        "MaxCommittedBytesPerReady" => With(Valid, maxCommittedBytesPerReady: 0),
        "MaxUncommittedBytes" => With(Valid, maxUncommittedBytes: -1),
        "Applied" => With(Valid, applied: -1),
        _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, null),
    };

    [Fact]
    public void Every_limit_at_its_smallest_working_value_is_accepted()
    {
        // The bounds are inclusive where the messages say "at least" or "not negative": one tick of heartbeat, a
        // message of one byte, one message in flight, no bound on bytes in flight or uncommitted, nothing applied.
        var config = With(Valid, electionTicks: 2, heartbeatTicks: 1, maxBytesPerMessage: 1, maxInflightMessages: 1, maxInflightBytes: 0,
            maxCommittedBytesPerReady: 1, maxUncommittedBytes: 0, applied: 0);

        config.Validate();
        With(Valid, id: 0, bootstrap: Configuration.Empty).Validate(); // a joining node knows no members yet
    }

    private static RaftConfig With(RaftConfig c, int? id = null, Configuration? bootstrap = null, int? electionTicks = null, int? heartbeatTicks = null,
        long? maxBytesPerMessage = null, int? maxInflightMessages = null, long? maxInflightBytes = null, long? maxCommittedBytesPerReady = null,
        long? maxUncommittedBytes = null, long? applied = null) => new()
    {
        Id = id ?? c.Id,
        Bootstrap = bootstrap ?? c.Bootstrap,
        ElectionTicks = electionTicks ?? c.ElectionTicks,
        HeartbeatTicks = heartbeatTicks ?? c.HeartbeatTicks,
        MaxBytesPerMessage = maxBytesPerMessage ?? c.MaxBytesPerMessage,
        MaxInflightMessages = maxInflightMessages ?? c.MaxInflightMessages,
        MaxInflightBytes = maxInflightBytes ?? c.MaxInflightBytes,
        MaxCommittedBytesPerReady = maxCommittedBytesPerReady ?? c.MaxCommittedBytesPerReady,
        MaxUncommittedBytes = maxUncommittedBytes ?? c.MaxUncommittedBytes,
        Applied = applied ?? c.Applied,
    };
}

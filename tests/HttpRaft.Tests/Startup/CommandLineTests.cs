using HttpRaft.Startup;

namespace HttpRaft.Tests.Startup;

/// <summary>The command line: an optional node id, <c>--config PATH</c>, and host settings passed through.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public void No_arguments_mean_no_id_and_no_config()
    {
        Assert.Equal(new CommandLine(null, null, []), CommandLine.Parse([]) with { HostArgs = [] });
    }

    [Fact]
    public void The_positional_argument_is_the_node_id()
    {
        Assert.Equal(2, CommandLine.Parse(["2"]).NodeId);
    }

    [Theory]
    [InlineData("--config", "cluster.json", "1")]
    [InlineData("1", "--config", "cluster.json")]
    [InlineData("--config=cluster.json", "1")]
    public void Config_path_is_taken_in_either_form(params string[] args)
    {
        var parsed = CommandLine.Parse(args);

        Assert.Equal("cluster.json", parsed.ConfigPath);
        Assert.Equal(1, parsed.NodeId);
        Assert.Empty(parsed.HostArgs);
    }

    [Fact]
    public void Host_settings_pass_through_with_their_values()
    {
        var parsed = CommandLine.Parse(["--HttpRaft:TickIntervalMs", "20", "0", "--environment=Development"]);

        Assert.Equal(0, parsed.NodeId);
        Assert.Equal(["--HttpRaft:TickIntervalMs", "20", "--environment=Development"], parsed.HostArgs);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("0", "1")]
    [InlineData("--config")]
    public void Bad_arguments_are_startup_errors(params string[] args)
    {
        Assert.Throws<StartupException>(() => CommandLine.Parse(args));
    }
}

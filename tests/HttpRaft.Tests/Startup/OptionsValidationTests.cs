using HttpRaft.AspNetCore;
using Microsoft.Extensions.Options;

namespace HttpRaft.Tests.Startup;

/// <summary>Configuration mistakes are caught at start-up with a message that names the problem.</summary>
public sealed class OptionsValidationTests
{
    [Fact]
    public void A_consistent_three_node_configuration_is_valid()
    {
        Assert.True(Validate(ThreeNodes()).Succeeded);
    }

    [Theory]
    [InlineData(3, "out of range")]
    [InlineData(-1, "out of range")]
    [InlineData(null, "no node id")]
    public void The_node_id_must_name_a_listed_node(int? id, string expected)
    {
        var options = ThreeNodes();
        options.NodeId = id;

        AssertFails(options, expected);
    }

    [Fact]
    public void The_peer_port_may_listen_on_another_address_than_the_members_dial()
    {
        var options = ThreeNodes();
        options.PeerListen = "127.0.0.1:18000";

        Assert.True(Validate(options).Succeeded);
        Assert.Equal(new NodeAddress("127.0.0.1", 18000), options.PeerListenAddress);
        Assert.NotEqual(options.PeerListenAddress, options.PeerAddress);
    }

    [Theory]
    [InlineData("not an address", "PeerListen 'not an address' is not a host:port address")]
    [InlineData("localhost:9000", "share port 9000")]
    public void The_peer_listen_address_must_be_an_address_apart_from_the_API_port(string listen, string expected)
    {
        var options = ThreeNodes();
        options.PeerListen = listen;

        AssertFails(options, expected);
    }

    [Theory]
    [InlineData("sometimes")]
    [InlineData("")]
    public void The_fsync_policy_must_be_always_or_never(string fsync)
    {
        var options = ThreeNodes();
        options.Fsync = fsync;

        AssertFails(options, "Fsync must be 'always' or 'never'");
    }

    [Theory]
    [InlineData("always", HttpRaft.Storage.FsyncPolicy.Always)]
    [InlineData("Never", HttpRaft.Storage.FsyncPolicy.Never)]
    public void The_fsync_policy_is_parsed_case_insensitively(string fsync, HttpRaft.Storage.FsyncPolicy expected)
    {
        var options = ThreeNodes();
        options.Fsync = fsync;

        Assert.True(Validate(options).Succeeded);
        Assert.Equal(expected, options.FsyncPolicy);
    }

    [Theory]
    [InlineData(64L * 1024 - 1)]
    [InlineData(0)]
    [InlineData(1024L * 1024 * 1024 + 1)]
    public void The_segment_size_must_be_between_64_KiB_and_1_GiB(long segmentBytes)
    {
        var options = ThreeNodes();
        options.SegmentBytes = segmentBytes;

        AssertFails(options, "SegmentBytes must be between 65536 (64 KiB) and 1073741824 (1 GiB)");
    }

    [Fact]
    public void The_segment_size_defaults_to_64_MiB_and_may_be_as_small_as_64_KiB()
    {
        var options = ThreeNodes();
        Assert.Equal(64L * 1024 * 1024, options.SegmentBytes);

        options.SegmentBytes = 64 * 1024;
        Assert.True(Validate(options).Succeeded);
    }

    [Fact]
    public void Retention_limits_out_of_range_are_named()
    {
        AssertRetentionFails(r => r.MaxEntries = 0, "Retention:MaxEntries must be at least 1");
        AssertRetentionFails(r => r.MaxBytes = -1, "Retention:MaxBytes must be at least 1");
        AssertRetentionFails(r => r.MaxAgeHours = 0, "Retention:MaxAgeHours must be more than 0");
        AssertRetentionFails(r => r.MaxAgeHours = double.NaN, "Retention:MaxAgeHours must be more than 0");
        AssertRetentionFails(r => r.CatchUpEntries = -1, "Retention:CatchUpEntries must not be negative");
        AssertRetentionFails(r => r.CheckIntervalMs = 5, "Retention:CheckIntervalMs must be at least 10");
    }

    [Fact]
    public void Retention_is_off_by_default_and_any_limit_turns_it_on()
    {
        var options = ThreeNodes();
        Assert.False(options.Retention.Enabled);

        options.Retention.MaxAgeHours = 0.5;
        Assert.True(options.Retention.Enabled);
        Assert.True(Validate(options).Succeeded);
    }

    private static void AssertRetentionFails(Action<HttpRaft.AspNetCore.RetentionOptions> set, string expected)
    {
        var options = ThreeNodes();
        set(options.Retention);
        AssertFails(options, expected);
    }

    [Fact]
    public void The_data_directory_defaults_to_data_node_id()
    {
        var options = ThreeNodes();
        options.NodeId = 2;
        Assert.Equal(Path.Combine("data", "node-2"), options.DataDirectory);
        Assert.Equal(HttpRaft.Storage.FsyncPolicy.Always, options.FsyncPolicy);

        options.DataDir = "/var/lib/httpraft";
        Assert.Equal("/var/lib/httpraft", options.DataDirectory);
    }

    [Fact]
    public void Peers_and_apis_must_match_one_to_one()
    {
        var options = ThreeNodes();
        options.Apis.RemoveAt(2);

        AssertFails(options, "must match");
    }

    [Fact]
    public void An_address_may_appear_only_once()
    {
        var options = ThreeNodes();
        options.Apis[1] = options.Peers[2];

        AssertFails(options, "more than once");
    }

    [Theory]
    [InlineData("[::1]:8001")]
    [InlineData("0.0.0.0:8001")]
    [InlineData("node-1.example:8001")]
    public void Addresses_may_be_names_ipv4_or_bracketed_ipv6(string address)
    {
        var options = ThreeNodes();
        options.Peers[1] = address;

        Assert.True(Validate(options).Succeeded);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("ftp://localhost:8000")]
    [InlineData("localhost:8000/raft")]
    [InlineData("localhost:99999")]
    [InlineData("::1:8000")]
    [InlineData("bad host:8000")]
    public void Addresses_must_be_host_and_port(string address)
    {
        var options = ThreeNodes();
        options.Peers[1] = address;

        AssertFails(options, "host:port");
    }

    [Fact]
    public void Election_timeout_must_exceed_the_heartbeat()
    {
        var options = ThreeNodes();
        options.ElectionTicks = options.HeartbeatTicks;

        AssertFails(options, "ElectionTicks");
    }

    [Fact]
    public void No_peers_at_all_is_reported_as_such()
    {
        AssertFails(new RaftHostOptions { NodeId = 0 }, "no peers");
    }

    [Fact]
    public void An_entry_may_not_exceed_what_one_append_message_carries()
    {
        var options = ThreeNodes();
        options.MaxAppendBytes = 1024;
        options.MaxRequestBodyBytes = 4096;
        options.MaxEntryBytes = 2048;

        AssertFails(options, "MaxEntryBytes must not exceed MaxAppendBytes");
    }

    [Fact]
    public void An_entry_may_not_exceed_64_MiB()
    {
        var options = ThreeNodes();
        options.MaxEntryBytes = 64 * 1024 * 1024 + 1;
        options.MaxRequestBodyBytes = 128L * 1024 * 1024;
        options.MaxAppendBytes = 128L * 1024 * 1024;

        AssertFails(options, "MaxEntryBytes must not exceed 67108864");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100_001)]
    public void The_page_maximum_must_be_sane(int max)
    {
        var result = new HttpRaft.Api.ReadOptions.Validator().Validate(null, new HttpRaft.Api.ReadOptions { MaxPageEntries = max });

        Assert.Contains("MaxPageEntries must be between 1 and 100000", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_idempotency_window_and_long_poll_limit_must_be_positive()
    {
        var noWindow = ThreeNodes();
        noWindow.IdempotencyWindow = 0;
        AssertFails(noWindow, "IdempotencyWindow must be at least 1");

        var noPolls = new HttpRaft.Api.ReadOptions.Validator().Validate(null, new HttpRaft.Api.ReadOptions { MaxLongPolls = 0 });
        Assert.Contains("MaxLongPolls must be at least 1", noPolls.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("fifteen-chars-x")]
    [InlineData("   padded-15chars   ")]
    public void A_cluster_secret_must_be_at_least_16_characters_and_is_never_echoed(string secret)
    {
        var options = ThreeNodes();
        options.ClusterSecret = secret;

        AssertFails(options, "ClusterSecret must be at least 16 characters");
        if (secret.Trim().Length > 0) Assert.DoesNotContain(secret.Trim(), Validate(options).FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cluster_secret_of_16_characters_is_valid()
    {
        var options = ThreeNodes();
        options.ClusterSecret = "0123456789abcdef";

        Assert.True(Validate(options).Succeeded);
    }

    [Fact]
    public void An_https_address_needs_a_certificate()
    {
        var options = ThreeNodes();
        options.Apis[2] = "https://localhost:9002";

        AssertFails(options, "an https:// address needs a certificate");
    }

    [Fact]
    public void A_tls_file_that_does_not_exist_is_named()
    {
        var options = ThreeNodes();
        options.Tls.Certificate = "/nonexistent/node.pfx";

        AssertFails(options, "tls.certificate: file /nonexistent/node.pfx not found");
    }

    [Theory]
    [InlineData("https://node-1:8001", true, "https://node-1:8001/")]
    [InlineData("HTTP://node-1:8001", false, "http://node-1:8001/")]
    [InlineData("node-1:8001", false, "http://node-1:8001/")]
    public void An_address_may_name_its_scheme(string text, bool https, string uri)
    {
        var address = NodeAddress.Parse(text);

        Assert.Equal(https, address.Https);
        Assert.Equal(uri, address.ToHttpUri().ToString());
    }

    private static RaftHostOptions ThreeNodes() => new()
    {
        NodeId = 0,
        Peers = ["localhost:8000", "localhost:8001", "localhost:8002"],
        Apis = ["localhost:9000", "localhost:9001", "localhost:9002"],
    };

    private static ValidateOptionsResult Validate(RaftHostOptions options) => new RaftHostOptionsValidator().Validate(null, options);

    private static void AssertFails(RaftHostOptions options, string expected)
    {
        var result = Validate(options);
        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }
}

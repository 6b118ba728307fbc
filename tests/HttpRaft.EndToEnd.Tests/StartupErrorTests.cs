using System.Globalization;
using System.Net;
using System.Net.Sockets;
using HttpRaft.Testing;

namespace HttpRaft.EndToEnd.Tests;

/// <summary>
/// Configuration mistakes as a user meets them (docs/design.md §2): the node exits with code 2 and says what is
/// wrong in one line on stderr, without a stack trace.
/// </summary>
public sealed class StartupErrorTests(ITestOutputHelper output)
{
    private const int ConfigurationError = 2;

    [Fact]
    public async Task An_id_outside_peers_json_is_one_line_and_exit_code_2()
    {
        var error = await RunExpectingConfigurationErrorAsync(ThreeNodePeersJson(), "7");
        Assert.Contains("7", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_peers_json_is_one_line_and_exit_code_2()
    {
        var error = await RunExpectingConfigurationErrorAsync("{\"peers\": [\"localhost:8000\",", "0");
        Assert.Contains("peers.json", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_short_cluster_secret_in_peers_json_is_one_line_that_does_not_repeat_it_and_exit_code_2()
    {
        var error = await RunExpectingConfigurationErrorAsync("""{"peers": ["localhost:8000"], "apis": ["localhost:9000"], "clusterSecret": "s3cret"}""", "0");
        Assert.Contains("ClusterSecret must be at least 16 characters", error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cluster_secret_from_the_environment_is_read_and_checked()
    {
        var error = await RunExpectingConfigurationErrorAsync(ThreeNodePeersJson(), "0", environment: new Dictionary<string, string> { ["HttpRaft__ClusterSecret"] = "env-s3cret" });
        Assert.Contains("ClusterSecret must be at least 16 characters (it is 10)", error, StringComparison.Ordinal);
        Assert.DoesNotContain("env-s3cret", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_api_key_with_an_unknown_scope_is_one_line_and_exit_code_2()
    {
        var error = await RunExpectingConfigurationErrorAsync(ThreeNodePeersJson(), "0", environment: new Dictionary<string, string>
        {
            ["HttpRaft__ApiKeys__0__Key"] = "a-long-enough-api-key-0123",
            ["HttpRaft__ApiKeys__0__Scope"] = "root",
        });
        Assert.Contains("scope must be 'read', 'write' or 'admin', not 'root'", error, StringComparison.Ordinal);
        Assert.DoesNotContain("a-long-enough-api-key-0123", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_id_without_a_peers_json_is_one_line_and_exit_code_2()
    {
        var error = await RunExpectingConfigurationErrorAsync(peersJson: null, "1");
        Assert.Contains("peers.json", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("peer")]
    [InlineData("api")]
    public async Task A_port_in_use_is_one_line_and_exit_code_2(string which)
    {
        var ports = FreePorts.Take(6);
        var peers = ports.Take(3).Select(p => $"localhost:{p}");
        var apis = ports.Skip(3).Select(p => $"localhost:{p}");
        var taken = which == "peer" ? ports[0] : ports[3];
        using var squatter = new TcpListener(IPAddress.Loopback, taken);
        squatter.Start();

        var error = await RunExpectingConfigurationErrorAsync(LocalCluster.PeersJson(peers, apis), "0");
        Assert.Contains(taken.ToString(CultureInfo.InvariantCulture), error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("peer")]
    [InlineData("api")]
    public async Task A_joining_node_whose_port_is_in_use_says_so_before_it_asks_the_cluster_for_a_place(string which)
    {
        // A member the node would join through: a listener that accepts nothing, so any request the node sends waits in
        // its backlog, where the test sees it. A node that joined and then could not listen would leave a member that
        // never comes.
        var ports = FreePorts.Take(3);
        using var member = new TcpListener(IPAddress.Loopback, ports[0]);
        member.Start();
        var taken = which == "peer" ? ports[1] : ports[2];
        using var squatter = new TcpListener(IPAddress.Loopback, taken);
        squatter.Start();

        var error = await RunExpectingConfigurationErrorAsync(
            peersJson: null,
            ["--join", $"http://localhost:{ports[0]}", "--peer", $"localhost:{ports[1]}", "--api", $"localhost:{ports[2]}", "--data-dir", "data"]);
        Assert.Contains($"localhost:{taken} is already in use", error, StringComparison.Ordinal);
        Assert.False(member.Pending(), "the node asked the cluster for a place before it found its own port taken");
    }

    [Fact]
    public async Task A_joining_node_behind_a_proxy_checks_the_port_it_listens_on_not_the_proxy_s()
    {
        // HttpRaft__PeerListen: the node listens there, and a proxy (the fault tests' kind) holds the --peer address.
        var ports = FreePorts.Take(4);
        using var member = new TcpListener(IPAddress.Loopback, ports[0]);
        member.Start();
        using var proxy = new TcpListener(IPAddress.Loopback, ports[1]);
        proxy.Start();
        var directory = TempDirectory.Create("startup");
        try
        {
            await using var node = ChildProcess.Start("joining node", Repository.DotnetHost,
                [Repository.HttpRaftDll, "--join", $"http://localhost:{ports[0]}", "--peer", $"localhost:{ports[1]}", "--api", $"localhost:{ports[2]}", "--data-dir", "data"],
                directory,
                new Dictionary<string, string> { ["HttpRaft__PeerListen"] = $"localhost:{ports[3]}" });
            await Poll.UntilAsync(() => node.HasExited || member.Pending(), TimeSpan.FromSeconds(30), "the node to ask the member for a place");
            output.WriteLine(node.Transcript());
            Assert.False(node.HasExited, $"the node exited instead of asking to join:\n{node.Transcript()}");
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }

    [Fact]
    public async Task A_data_directory_locked_by_another_node_is_one_line_and_exit_code_2()
    {
        FileStream? held = null;
        try
        {
            var error = await RunExpectingConfigurationErrorAsync(ThreeNodePeersJson(), "0", directory =>
            {
                var data = Directory.CreateDirectory(Path.Combine(directory, "data", "node-0")).FullName;
                held = new FileStream(Path.Combine(data, "LOCK"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            });
            Assert.Contains(Path.Combine("data", "node-0", "LOCK"), error, StringComparison.Ordinal);
            Assert.Contains("locked", error, StringComparison.Ordinal);
        }
        finally
        {
            held?.Dispose();
        }
    }

    [Fact]
    public async Task A_corrupted_log_is_one_line_naming_file_and_offset_and_exit_code_2()
    {
        var error = await RunExpectingConfigurationErrorAsync(ThreeNodePeersJson(), "0", directory =>
        {
            var data = Directory.CreateDirectory(Path.Combine(directory, "data", "node-0")).FullName;
            // A record whose checksum is wrong, with more data after it: damage, not a torn tail.
            byte[] record = [4, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4];
            File.WriteAllBytes(Path.Combine(data, "wal-0000000000000001.seg"), [.. record, .. record]);
        });
        Assert.Contains("wal-0000000000000001.seg", error, StringComparison.Ordinal);
        Assert.Contains("offset 0", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_directory_from_a_newer_release_is_one_line_naming_file_and_version_and_exit_code_2()
    {
        var error = await RunExpectingConfigurationErrorAsync(ThreeNodePeersJson(), "0", directory =>
        {
            var data = Directory.CreateDirectory(Path.Combine(directory, "data", "node-0")).FullName;
            // A segment header (docs/storage-format.md) saying format 3, base index 1, with its CRC-32.
            byte[] header =
            [
                0x89, 0x48, 0x52, 0x57, 0x41, 0x4C, 0x0D, 0x0A, 0x03, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00,
                0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x61, 0x04, 0xD2,
            ];
            File.WriteAllBytes(Path.Combine(data, "wal-0000000000000001.seg"), header);
        });
        Assert.Contains("wal-0000000000000001.seg is format version 3", error, StringComparison.Ordinal);
        Assert.Contains("reads format versions 1 and 2", error, StringComparison.Ordinal);
    }

    private static string ThreeNodePeersJson()
    {
        var ports = FreePorts.Take(6);
        return LocalCluster.PeersJson(ports.Take(3).Select(p => $"localhost:{p}"), ports.Skip(3).Select(p => $"localhost:{p}"));
    }

    /// <summary>Runs <c>dotnet HttpRaft.dll &lt;id&gt;</c> in a directory holding <paramref name="peersJson"/> (none if null); returns its stderr line.</summary>
    private Task<string> RunExpectingConfigurationErrorAsync(string? peersJson, string id, Action<string>? prepare = null, IReadOnlyDictionary<string, string>? environment = null) =>
        RunExpectingConfigurationErrorAsync(peersJson, [id], prepare, environment);

    /// <summary>Runs <c>dotnet HttpRaft.dll</c> with <paramref name="arguments"/> in a directory holding <paramref name="peersJson"/> (none if null); returns its stderr line.</summary>
    private async Task<string> RunExpectingConfigurationErrorAsync(string? peersJson, IReadOnlyList<string> arguments, Action<string>? prepare = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var id = string.Join(' ', arguments);
        var directory = TempDirectory.Create("startup");
        try
        {
            if (peersJson is not null) await File.WriteAllTextAsync(Path.Combine(directory, "peers.json"), peersJson);
            prepare?.Invoke(directory);
            await using var node = ChildProcess.Start($"node {id}", Repository.DotnetHost, [Repository.HttpRaftDll, .. arguments], directory, environment);
            var exitCode = await node.WaitForExitAsync(TimeSpan.FromSeconds(30));
            var transcript = node.Transcript();
            output.WriteLine(transcript);

            Assert.True(exitCode == ConfigurationError, $"exit code {exitCode}, expected {ConfigurationError}:\n{transcript}");
            var lines = node.StandardError.Where(l => l.Length > 0).ToList();
            Assert.True(lines.Count == 1, $"expected exactly one line on stderr, got {lines.Count}:\n{transcript}");
            Assert.DoesNotContain("   at ", transcript, StringComparison.Ordinal);
            return lines[0];
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }
}

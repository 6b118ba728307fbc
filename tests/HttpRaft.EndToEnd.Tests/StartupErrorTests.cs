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

    private static string ThreeNodePeersJson()
    {
        var ports = FreePorts.Take(6);
        return LocalCluster.PeersJson(ports.Take(3).Select(p => $"localhost:{p}"), ports.Skip(3).Select(p => $"localhost:{p}"));
    }

    /// <summary>Runs <c>dotnet HttpRaft.dll &lt;id&gt;</c> in a directory holding <paramref name="peersJson"/> (none if null); returns its stderr line.</summary>
    private async Task<string> RunExpectingConfigurationErrorAsync(string? peersJson, string id, Action<string>? prepare = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var directory = TempDirectory.Create("startup");
        try
        {
            if (peersJson is not null) await File.WriteAllTextAsync(Path.Combine(directory, "peers.json"), peersJson);
            prepare?.Invoke(directory);
            await using var node = ChildProcess.Start($"node {id}", Repository.DotnetHost, [Repository.HttpRaftDll, id], directory, environment);
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

using System.Text.Json;
using System.Text.RegularExpressions;

namespace HttpRaft.EndToEnd.Tests;

/// <summary>
/// No Docker engine runs here, so docker-compose.yml is checked the way Compose itself reads it: <c>docker-compose
/// config</c> validates the file and prints it resolved (variables substituted, anchors merged), and the tests read
/// that: three bootstrap nodes on one shared peers.json that names them by service name, a fourth that joins, and one
/// cluster secret for all four from the environment. Debian's <c>docker-compose</c> package provides the command
/// (.ci/run installs it); without it these tests fail and say so.
/// </summary>
public sealed partial class DockerComposeTests(ITestOutputHelper output)
{
    private const string SecretVariable = "HTTPRAFT_CLUSTER_SECRET";
    private static readonly string ComposeFile = Path.Combine(Repository.Root, "docker-compose.yml");
    private static readonly string[] Services = ["node0", "node1", "node2", "node3"];

    [Fact]
    public async Task The_compose_file_is_valid()
    {
        var (exitCode, transcript) = await ComposeAsync(["config", "-q"]);
        Assert.True(exitCode == 0, $"docker-compose config -q exited with {exitCode}:\n{transcript}");
    }

    [Fact]
    public async Task Three_nodes_bootstrap_from_one_peers_json_naming_them_and_a_fourth_joins_through_them()
    {
        var services = await ResolvedServicesAsync(new Dictionary<string, string>());

        Assert.Equal(Services, services.Keys.Order(StringComparer.Ordinal));
        using var peers = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "peers.compose.json")));
        Assert.Equal(["node0:8000", "node1:8000", "node2:8000"], peers.RootElement.GetProperty("peers").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(["node0:9000", "node1:9000", "node2:9000"], peers.RootElement.GetProperty("apis").EnumerateArray().Select(a => a.GetString()));
        for (var id = 0; id < 3; id++)
        {
            var node = services[$"node{id}"];
            Assert.Equal([id.ToString(System.Globalization.CultureInfo.InvariantCulture)], node.List("command"));
            Assert.Contains(node.List("volumes"), v => v.EndsWith("/deploy/peers.compose.json:/config/peers.json:ro", StringComparison.Ordinal));
            Assert.Contains($"node{id}-data:/data:rw", node.List("volumes"));
        }
        var joiner = services["node3"];
        Assert.Equal(["--join", "http://node0:9000", "--peer", "node3:8000", "--api", "node3:9000", "--data-dir", "/data"], joiner.List("command"));
        Assert.DoesNotContain(joiner.List("volumes"), v => v.Contains("peers.json", StringComparison.Ordinal));
        Assert.All(Services.Take(3), s => Assert.Contains($"      {s}:", joiner.Lines));
    }

    [Fact]
    public async Task Every_node_gets_the_same_cluster_secret_from_the_environment_with_a_default_for_the_demo()
    {
        var secret = $"test-secret-{Guid.NewGuid():N}";
        var given = await ResolvedServicesAsync(new Dictionary<string, string> { [SecretVariable] = secret });
        // Empty counts as unset for ${VAR:-default}, so this shows the default whatever the test host's environment holds.
        var defaulted = await ResolvedServicesAsync(new Dictionary<string, string> { [SecretVariable] = "" });

        Assert.All(Services, s => Assert.Equal(secret, given[s].Value("HttpRaft__ClusterSecret")));
        var demo = defaulted["node0"].Value("HttpRaft__ClusterSecret");
        Assert.True(demo is { Length: >= 16 }, $"the default secret must be at least 16 characters (the node refuses shorter ones), not '{demo}'");
        Assert.All(Services, s => Assert.Equal(demo, defaulted[s].Value("HttpRaft__ClusterSecret")));
    }

    /// <summary>The services of <c>docker-compose config</c>'s output, each as its block of lines.</summary>
    private async Task<Dictionary<string, ServiceBlock>> ResolvedServicesAsync(IReadOnlyDictionary<string, string> environment)
    {
        var (exitCode, transcript) = await ComposeAsync(["config"], environment);
        Assert.True(exitCode == 0, $"docker-compose config exited with {exitCode}:\n{transcript}");
        var services = new Dictionary<string, ServiceBlock>(StringComparer.Ordinal);
        List<string>? current = null;
        var inServices = false;
        foreach (var line in transcript.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (!line.StartsWith(' ')) inServices = line == "services:";
            else if (inServices && ServiceHeading().Match(line) is { Success: true } heading) services[heading.Groups[1].Value] = new ServiceBlock(current = []);
            else if (inServices) current?.Add(line);
        }
        return services;
    }

    private async Task<(int ExitCode, string Transcript)> ComposeAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var compose = FindOnPath("docker-compose")
            ?? throw new Xunit.Sdk.XunitException("docker-compose is not installed, so docker-compose.yml cannot be validated: apt-get install docker-compose (.ci/run installs it).");
        await using var run = ChildProcess.Start("docker-compose", compose, ["-f", ComposeFile, .. arguments], Repository.Root, environment);
        var exitCode = await run.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var transcript = run.Transcript();
        output.WriteLine(transcript);
        return (exitCode, StandardOutput(transcript));
    }

    /// <summary>The stdout part of a <see cref="ChildProcess.Transcript"/>.</summary>
    private static string StandardOutput(string transcript)
    {
        var lines = transcript.Split('\n');
        return string.Join('\n', lines.Skip(1).TakeWhile(l => !l.StartsWith("----- ", StringComparison.Ordinal)));
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    [GeneratedRegex(@"^  ([A-Za-z0-9_.-]+):$")]
    private static partial Regex ServiceHeading();

    /// <summary>One service of the resolved file: its lines, indented four spaces and more, as Compose prints them.</summary>
    private sealed record ServiceBlock(List<string> Lines)
    {
        /// <summary>The items of the list under key <paramref name="key"/>, unquoted.</summary>
        public List<string> List(string key) =>
            [.. Lines.SkipWhile(l => l != $"    {key}:").Skip(1).TakeWhile(l => l.StartsWith("    - ", StringComparison.Ordinal)).Select(l => Unquote(l[6..]))];

        /// <summary>The value of the first line <c>key: value</c> at any depth, unquoted; null if there is none.</summary>
        public string? Value(string key) =>
            Lines.Select(l => l.TrimStart()).Where(l => l.StartsWith(key + ": ", StringComparison.Ordinal)).Select(l => Unquote(l[(key.Length + 2)..])).FirstOrDefault();

        private static string Unquote(string value) => value.Length >= 2 && value[0] is '\'' or '"' && value[^1] == value[0] ? value[1..^1] : value;
    }
}

using HttpRaft.Startup;

namespace HttpRaft.Tests.Startup;

/// <summary>peers.json becomes configuration keys; every way it can be wrong is one clear message naming the file.</summary>
public sealed class ClusterFileTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("httpraft-config-").FullName;

    [Fact]
    public void The_originals_format_and_extra_settings_become_httpraft_keys()
    {
        var path = Write("""{"peers": ["localhost:8000", "localhost:8001"], "apis": ["localhost:9000", "localhost:9001"], "electionTicks": 20, "dataDir": "d"}""");

        var values = ClusterFile.Load(path);

        Assert.Equal("localhost:8001", values["HttpRaft:peers:1"]);
        Assert.Equal("localhost:9000", values["HttpRaft:apis:0"]);
        Assert.Equal("20", values["HttpRaft:electionTicks"]);
        Assert.Equal("d", values["HttpRaft:dataDir"]);
    }

    [Fact]
    public void A_missing_file_names_the_file()
    {
        var path = Path.Combine(directory, "peers.json");

        var error = Assert.Throws<StartupException>(() => ClusterFile.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_names_the_file_and_line()
    {
        var path = Write("{\n  \"peers\": [\"localhost:8000\",\n");

        var error = Assert.Throws<StartupException>(() => ClusterFile.Load(path));

        Assert.Contains("peers.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("line", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_json_array_is_not_a_cluster_file()
    {
        var error = Assert.Throws<StartupException>(() => ClusterFile.Load(Write("""["localhost:8000"]""")));

        Assert.Contains("JSON object", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(directory, "peers.json");
        File.WriteAllText(path, json);
        return path;
    }
}

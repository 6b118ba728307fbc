using HttpRaft.Startup;

namespace HttpRaft.Tests.Startup;

/// <summary>peers.json keys the node does not implement are refused at start-up, never silently ignored.</summary>
public sealed class ClusterFileKeyTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("httpraft-keys-").FullName;

    [Fact]
    public void Security_keys_are_read_into_configuration()
    {
        var values = ClusterFile.Load(Write("""
            {"peers": ["localhost:8000"], "apis": ["localhost:9000"], "clusterSecret": "0123456789abcdef",
             "apiKeys": [{"key": "reader-key-0123456789", "scope": "read"}],
             "tls": {"certificate": "node.pfx", "certificatePassword": "pw", "caCertificate": "ca.pem"}}
            """));

        Assert.Equal("0123456789abcdef", values["HttpRaft:clusterSecret"]);
        Assert.Equal("read", values["HttpRaft:apiKeys:0:scope"]);
        Assert.Equal("ca.pem", values["HttpRaft:tls:caCertificate"]);
    }

    [Theory]
    [InlineData("""{"tls": {"certificat": "node.pfx"}}""", "unknown key tls.certificat")]
    [InlineData("""{"tls": "node.pfx"}""", "tls must be an object")]
    [InlineData("""{"clusterSecrett": "0123456789abcdef"}""", "unknown key clusterSecrett")]
    public void A_misspelt_security_key_is_refused(string json, string expected)
    {
        var error = Assert.Throws<StartupException>(() => ClusterFile.Load(Write(json)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_retention_block_is_read_into_configuration()
    {
        var values = ClusterFile.Load(Write("""
            {"peers": ["localhost:8000"], "apis": ["localhost:9000"], "segmentBytes": 1048576,
             "retention": {"maxEntries": 1000000, "maxBytes": 10737418240, "maxAgeHours": 168, "catchUpEntries": 5000, "checkIntervalMs": 500}}
            """));

        Assert.Equal("1000000", values["HttpRaft:retention:maxEntries"]);
        Assert.Equal("10737418240", values["HttpRaft:retention:maxBytes"]);
        Assert.Equal("168", values["HttpRaft:retention:maxAgeHours"]);
        Assert.Equal("500", values["HttpRaft:retention:checkIntervalMs"]);
        Assert.Equal("1048576", values["HttpRaft:segmentBytes"]);
    }

    [Theory]
    [InlineData("""{"retention": {"maxEntrys": 10}}""", "unknown key retention.maxEntrys")]
    [InlineData("""{"retention": 1000}""", "retention must be an object")]
    public void A_misspelt_retention_key_is_refused(string json, string expected)
    {
        var error = Assert.Throws<StartupException>(() => ClusterFile.Load(Write(json)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_is_refused_by_name()
    {
        var error = Assert.Throws<StartupException>(() => ClusterFile.Load(Write("""{"peers": ["localhost:8000"], "apis": ["localhost:9000"], "electionTick": 20}""")));

        Assert.Contains("electionTick", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_documented_key_is_accepted_in_any_case()
    {
        var path = Write("""
            {"peers": ["localhost:8000"], "apis": ["localhost:9000"], "dataDir": "d", "fsync": "never", "tickIntervalMs": 50,
             "heartbeatTicks": 2, "electionTicks": 10, "commitTimeoutMs": 5000, "peerRequestTimeoutMs": 1000,
             "peerQueueCapacity": 1024, "inboxCapacity": 16384, "maxEntryBytes": 524288, "maxRequestBodyBytes": 1048576,
             "maxAppendBytes": 1048576, "MAXUNCOMMITTEDBYTES": 67108864}
            """);

        Assert.Equal("67108864", ClusterFile.Load(path)["HttpRaft:MAXUNCOMMITTEDBYTES"]);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(directory, "peers.json");
        File.WriteAllText(path, json);
        return path;
    }
}

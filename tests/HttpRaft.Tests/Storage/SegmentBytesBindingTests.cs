using HttpRaft.AspNetCore;
using HttpRaft.Consensus;
using HttpRaft.Startup;
using HttpRaft.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HttpRaft.Tests.Storage;

/// <summary><c>segmentBytes</c> in peers.json reaches the storage the node opens: segments roll at that size.</summary>
public sealed class SegmentBytesBindingTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("httpraft-segment-bytes-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void SegmentBytes_in_peers_json_sets_the_size_at_which_segments_roll()
    {
        var peersJson = Path.Combine(directory, "peers.json");
        var dataDir = Path.Combine(directory, "data").Replace("\\", "\\\\", StringComparison.Ordinal);
        File.WriteAllText(peersJson, $$"""{"peers": ["localhost:8000"], "apis": ["localhost:9000"], "dataDir": "{{dataDir}}", "fsync": "never", "segmentBytes": 65536}""");
        var values = ClusterFile.Load(peersJson);
        values[$"{RaftHostOptions.SectionName}:NodeId"] = "0";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        using var services = new ServiceCollection().AddLogging().AddHttpRaft(configuration.GetSection(RaftHostOptions.SectionName)).BuildServiceProvider();

        var storage = services.GetRequiredService<IRaftStorage>();
        var data = new byte[16 * 1024];
        storage.Save(null, [.. Enumerable.Range(1, 12).Select(i => Entry.Normal(i, 1, data))], sync: false);
        storage.Save(null, [Entry.Normal(13, 1, data)], sync: false);

        // 12 entries of 16 KiB pass 64 KiB: the next save starts a second segment (the 64 MiB default would not).
        Assert.Equal(2, storage.Statistics.Segments);
    }
}

using HttpRaft.AspNetCore;
using HttpRaft.AspNetCore.Peers;
using HttpRaft.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HttpRaft.Tests.Cluster;

/// <summary>
/// One node of a test cluster: the real <see cref="Program"/> on real Kestrel sockets (so the peer transport,
/// the port checks and the client API run as in production), configured through settings, not files. Its
/// storage is handed in, so a test decides whether a restarted node finds its log again or starts empty.
/// </summary>
internal sealed class NodeFactory : WebApplicationFactory<Program>
{
    private readonly ClusterLayout layout;
    private readonly IRaftStorage storage;
    private readonly Partition? partition;

    public NodeFactory(int id, ClusterLayout layout, IRaftStorage storage, Partition? partition = null)
    {
        Id = id;
        this.layout = layout;
        this.storage = storage;
        this.partition = partition;
        UseKestrel();
    }

    public int Id { get; }

    public IRaftLog Log => Services.GetRequiredService<IRaftLog>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in layout.SettingsFor(Id)) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IRaftStorage>().AddSingleton(storage);
            if (partition is null) return;
            // The real transport, behind a filter the test can use to cut this node off.
            services.RemoveAll<IPeerTransport>().AddSingleton<HttpPeerTransport>();
            services.AddSingleton<IPeerTransport>(sp => new PartitionedTransport(sp.GetRequiredService<HttpPeerTransport>(), partition, Id));
        });
    }
}

using HttpRaft.AspNetCore.Node;
using HttpRaft.AspNetCore.Peers;
using HttpRaft.AspNetCore.Security;
using HttpRaft.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore;

/// <summary>Registers an HttpRaft node in an ASP.NET Core app: options, storage, node loop, peer transport, <see cref="IRaftLog"/>, health check.</summary>
public static class HttpRaftServiceCollectionExtensions
{
    /// <summary>
    /// Adds a node configured from <paramref name="configuration"/> (the <c>HttpRaft</c> section), validated at
    /// start-up. Storage defaults to a <see cref="FileRaftStorage"/> in <see cref="RaftHostOptions.DataDirectory"/>. Register your own <see cref="IRaftStorage"/> or <see cref="TimeProvider"/> first to replace the defaults.
    /// </summary>
    public static IServiceCollection AddHttpRaft(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RaftHostOptions>().Bind(configuration).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RaftHostOptions>, RaftHostOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRaftStorage>(OpenStorage);
        services.TryAddSingleton<IPeerTransport, HttpPeerTransport>();
        services.AddSingleton<NodeInbox>();
        services.AddSingleton<NodeViewHolder>();
        services.AddSingleton<PeerStreamReceiver>();
        services.AddSingleton<PeerStreamLifetime>();
        services.AddSingleton<IRaftLog, LocalRaftLog>();
        services.AddHostedService<NodeLoop>();
        services.AddPeerAuthentication();
        services.AddPeerHttpClient();
        services.AddHealthChecks().AddCheck<RaftHealthCheck>("raft-leader", tags: [RaftHealthCheck.ReadyTag]);
        return services;
    }

    /// <summary>The default storage: the write-ahead log in the configured data directory, recovered and locked.</summary>
    private static FileRaftStorage OpenStorage(IServiceProvider services)
    {
        var settings = services.GetRequiredService<IOptions<RaftHostOptions>>().Value;
        var options = new StorageOptions { Directory = settings.DataDirectory, Fsync = settings.FsyncPolicy };
        return new FileRaftStorage(options, services.GetService<ILogger<FileRaftStorage>>());
    }

    private static void AddPeerHttpClient(this IServiceCollection services)
    {
        // No overall timeout: a peer stream is one request for the life of the connection; the sender times each write.
        services.AddHttpClient(HttpPeerTransport.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => PeerHandler(sp.GetRequiredService<IOptions<RaftHostOptions>>().Value))
            // Every peer request carries the cluster secret, whichever sender or route it is for.
            .AddHttpMessageHandler<ClusterSecretHandler>()
            // Per-request logging of heartbeats would drown everything else.
            .RemoveAllLoggers();
    }

    private static SocketsHttpHandler PeerHandler(RaftHostOptions settings) => new()
    {
        // Peers are addressed directly; a proxy from the environment would only add a hop that can fail.
        UseProxy = false,
        ConnectTimeout = TimeSpan.FromMilliseconds(settings.PeerRequestTimeoutMs),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        // https:// peers must present a certificate that chains to the cluster's CA (tls.caCertificate).
        SslOptions = RaftCertificates.PeerClientOptions(settings.Tls),
    };
}

using HttpRaft.Client;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers an <see cref="HttpRaftClient"/> on <see cref="IHttpClientFactory"/>.</summary>
public static class HttpRaftClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton <see cref="HttpRaftClient"/> configured by <paramref name="configure"/> (or by options bound
    /// elsewhere, e.g. <c>services.Configure&lt;HttpRaftClientOptions&gt;(...)</c>), validated when it is first built
    /// and at host start-up. Returns the builder of its named <see cref="HttpClient"/>, to add handlers or replace
    /// the primary one; it must not follow redirects itself, so that the client sees the 307s that tell it the leader.
    /// </summary>
    public static IHttpClientBuilder AddHttpRaftClient(this IServiceCollection services, Action<HttpRaftClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var optionsBuilder = services.AddOptions<HttpRaftClientOptions>().ValidateOnStart();
        if (configure is not null) optionsBuilder.Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpRaftClientOptions>, HttpRaftClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new HttpRaftClient(
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<IOptions<HttpRaftClientOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<HttpRaftClient>>()));
        return services.AddHttpClient(HttpRaftClient.HttpClientName)
            // Each attempt has its own timeout (a long-poll's is longer); HttpClient's one would cut long-polls short.
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                // Members change address over a cluster's life; do not keep a connection to an old one forever.
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                ConnectTimeout = TimeSpan.FromSeconds(5),
            });
    }
}

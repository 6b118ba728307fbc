using Microsoft.Extensions.DependencyInjection;

namespace HttpRaft.Client.Tests.Fakes;

/// <summary>Builds an <see cref="HttpRaftClient"/> the way an app does (AddHttpRaftClient), over scripted members and a virtual clock.</summary>
internal static class FakeClient
{
    public const string A = "a.test:9000";
    public const string B = "b.test:9000";
    public const string C = "c.test:9000";

    public static HttpRaftClient Create(FakeMembers members, VirtualTime time, Action<HttpRaftClientOptions>? configure = null, params string[] endpoints)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddHttpRaftClient(options =>
            {
                foreach (var endpoint in endpoints.Length > 0 ? endpoints : [A, B, C]) options.Endpoints.Add(endpoint);
                options.RandomSeed = 17;
                configure?.Invoke(options);
            })
            .ConfigurePrimaryHttpMessageHandler(members.CreateHandler);
        return services.BuildServiceProvider().GetRequiredService<HttpRaftClient>();
    }
}

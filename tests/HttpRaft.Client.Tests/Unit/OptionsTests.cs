using HttpRaft.Client.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HttpRaft.Client.Tests.Unit;

/// <summary>Bad options fail when the client is built, with a message naming each bad setting.</summary>
public sealed class OptionsTests
{
    [Fact]
    public void A_client_without_endpoints_is_refused_naming_Endpoints()
    {
        var e = Assert.Throws<OptionsValidationException>(() => Build(_ => { }));
        Assert.Contains("Endpoints must name at least one member", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_setting_is_named_in_one_message()
    {
        var e = Assert.Throws<OptionsValidationException>(() => Build(o =>
        {
            o.Endpoints.Add("localhost:9000");
            o.Endpoints.Add("ftp://x:21");
            o.LongPollWait = TimeSpan.FromSeconds(90);
            o.RequestTimeout = TimeSpan.Zero;
            o.PageSize = 0;
            o.ApiKey = "with space";
        }));
        foreach (var name in new[] { "'ftp://x:21'", "LongPollWait", "RequestTimeout", "PageSize", "ApiKey" })
        {
            Assert.Contains(name, e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("localhost:9000", "http://localhost:9000/")]
    [InlineData("https://node1.example:9443", "https://node1.example:9443/")]
    [InlineData("[::1]:9000", "http://[::1]:9000/")]
    public void Endpoints_are_written_as_the_cluster_writes_api_addresses(string endpoint, string expected)
    {
        var client = Build(o => o.Endpoints.Add(endpoint));
        Assert.Equal([new Uri(expected)], client.Members);
    }

    [Theory]
    [InlineData("localhost:9000/log")]
    [InlineData("http://localhost:9000?x=1")]
    [InlineData("  ")]
    public void An_endpoint_with_a_path_or_nothing_in_it_is_refused(string endpoint)
    {
        var e = Assert.Throws<OptionsValidationException>(() => Build(o => o.Endpoints.Add(endpoint)));
        Assert.Contains("Endpoints:", e.Message, StringComparison.Ordinal);
    }

    private static HttpRaftClient Build(Action<HttpRaftClientOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddHttpRaftClient(configure).ConfigurePrimaryHttpMessageHandler(new FakeMembers().CreateHandler);
        return services.BuildServiceProvider().GetRequiredService<HttpRaftClient>();
    }
}

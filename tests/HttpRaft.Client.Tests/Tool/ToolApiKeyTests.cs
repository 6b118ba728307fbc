using HttpRaft.Client.Tests.Cluster;
using HttpRaft.Tests.Cluster;

namespace HttpRaft.Client.Tests.Tool;

/// <summary>API keys on a live cluster: the client and the tool send them, and a refusal says what is missing.</summary>
public sealed class ToolApiKeyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string ReadKey = "a-long-random-reader-key-for-tests";
    private const string WriteKey = "a-long-random-writer-key-for-tests";
    private TestCluster cluster = null!;

    public Task InitializeAsync()
    {
        cluster = TestCluster.Start(settings: new Dictionary<string, string>
        {
            ["HttpRaft:ApiKeys:0:Key"] = ReadKey,
            ["HttpRaft:ApiKeys:0:Scope"] = "read",
            ["HttpRaft:ApiKeys:1:Key"] = WriteKey,
            ["HttpRaft:ApiKeys:1:Scope"] = "write",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task The_client_appends_with_a_write_key_and_is_refused_with_a_read_key()
    {
        await cluster.WaitForLeaderAsync();
        var writer = RealClient.For(cluster, output, o => o.ApiKey = WriteKey);
        var reader = RealClient.For(cluster, output, o => o.ApiKey = ReadKey);

        var appended = await writer.AppendAsync("with a key");
        var denied = await Assert.ThrowsAsync<HttpRaftAccessDeniedException>(() => reader.AppendAsync("read keys cannot write"));

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal("with a key", (await reader.GetEntryAsync(appended.Index, ReadConsistency.Linearizable))?.Entry);
    }

    [Fact]
    public async Task The_tool_sends_its_api_key_and_explains_a_refusal()
    {
        await cluster.WaitForLeaderAsync();
        var endpoints = string.Join(',', cluster.Layout.Apis);

        var written = await ToolProcess.RunAsync(["append", "tool with key", "--api-key", WriteKey, "-e", endpoints]);
        var wrongScope = await ToolProcess.RunAsync(["append", "not allowed", "--api-key", ReadKey, "-e", endpoints]);
        var noKey = await ToolProcess.RunAsync(["read", "-e", endpoints]);

        Assert.True(written.ExitCode == 0, written.ToString());
        Assert.Equal(1, wrongScope.ExitCode);
        Assert.Contains("access denied (403)", wrongScope.Error, StringComparison.Ordinal);
        Assert.Contains("--api-key", wrongScope.Error, StringComparison.Ordinal);
        Assert.Equal(1, noKey.ExitCode);
        Assert.Contains("access denied (401)", noKey.Error, StringComparison.Ordinal);
    }
}

using HttpRaft.Client.Tests.Cluster;
using HttpRaft.Tests.Cluster;

namespace HttpRaft.Client.Tests.Tool;

/// <summary>API keys on a live cluster: the client and the tool send them, and a refusal says what is missing.</summary>
public sealed class ToolApiKeyTests(ITestOutputHelper output) : OwnClusterTests
{
    private const string ReadKey = "a-long-random-reader-key-for-tests";
    private const string WriteKey = "a-long-random-writer-key-for-tests";
    private const string AdminKey = "a-long-random-admin-key-for-tests";

    private protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["HttpRaft:ApiKeys:0:Key"] = ReadKey,
        ["HttpRaft:ApiKeys:0:Scope"] = "read",
        ["HttpRaft:ApiKeys:1:Key"] = WriteKey,
        ["HttpRaft:ApiKeys:1:Scope"] = "write",
        ["HttpRaft:ApiKeys:2:Key"] = AdminKey,
        ["HttpRaft:ApiKeys:2:Scope"] = "admin",
    };

    [Fact]
    public async Task The_client_appends_with_a_write_key_and_is_refused_with_a_read_key()
    {
        await Cluster.WaitForLeaderAsync();
        var writer = RealClient.For(Cluster, output, o => o.ApiKey = WriteKey);
        var reader = RealClient.For(Cluster, output, o => o.ApiKey = ReadKey);

        var appended = await writer.AppendAsync("with a key");
        var denied = await Assert.ThrowsAsync<HttpRaftAccessDeniedException>(() => reader.AppendAsync("read keys cannot write"));

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal("with a key", (await reader.GetEntryAsync(appended.Index, ReadConsistency.Linearizable))?.Entry);
    }

    [Fact]
    public async Task The_tool_sends_its_api_key_and_explains_a_refusal()
    {
        await Cluster.WaitForLeaderAsync();
        var endpoints = string.Join(',', Cluster.Layout.Apis);

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

    [Fact]
    public async Task Changing_the_membership_needs_an_admin_key_and_reading_it_a_read_key()
    {
        await Cluster.WaitForLeaderAsync();
        var endpoints = string.Join(',', Cluster.Layout.Apis);
        var (peer, api) = ClusterLayout.FreeAddresses();

        var withWriteKey = await ToolProcess.RunAsync(["members", "add", "--peer", peer, "--api", api, "--api-key", WriteKey, "-e", endpoints]);
        var withAdminKey = await ToolProcess.RunAsync(["members", "add", "--peer", peer, "--api", api, "--api-key", AdminKey, "-e", endpoints]);
        var withReadKey = await ToolProcess.RunAsync(["cluster", "-o", "json", "--api-key", ReadKey, "-e", endpoints]);

        Assert.Equal(1, withWriteKey.ExitCode);
        Assert.Contains("access denied (403)", withWriteKey.Error, StringComparison.Ordinal);
        Assert.Contains("needs the admin scope", withWriteKey.Error, StringComparison.Ordinal);
        Assert.True(withAdminKey.ExitCode == 0, withAdminKey.ToString());
        Assert.True(withReadKey.ExitCode == 0, withReadKey.ToString());
        using var membership = System.Text.Json.JsonDocument.Parse(withReadKey.Output);
        var member = membership.RootElement.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("api").GetString() == api);
        Assert.Equal(("learner", peer), (member.GetProperty("role").GetString(), member.GetProperty("peer").GetString()));
    }
}

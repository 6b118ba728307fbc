using System.Diagnostics;
using HttpRaft.Consensus;
using HttpRaft.Infrastructure;
using HttpRaft.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HttpRaft.Tests.Storage;

/// <summary>
/// The test-only disk fault wrapper the fault-injection suite drives (docs/testing.md, "Fault injection"): absent unless
/// its setting is given, and writes obey the control file.
/// </summary>
public sealed class DiskFaultStorageTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly string file = Path.Combine(Path.GetTempPath(), $"httpraft-disk-{Guid.NewGuid():N}");

    public void Dispose() => File.Delete(file);

    [Fact]
    public void Without_the_setting_the_storage_is_not_wrapped()
    {
        Assert.IsType<InMemoryRaftStorage>(Resolve(new Dictionary<string, string?>()));
    }

    [Fact]
    public void With_the_setting_the_registered_storage_is_wrapped()
    {
        var storage = Resolve(new Dictionary<string, string?> { [DiskFaultStorage.SettingKey] = file });

        Assert.IsType<DiskFaultStorage>(storage);
        storage.Save(null, [Entry.Normal(1, 1, "a"u8.ToArray())], sync: true);
        Assert.Equal(1, storage.LastIndex);
    }

    [Fact]
    public async Task A_stalled_disk_blocks_writes_until_the_control_file_says_ok()
    {
        File.WriteAllText(file, "stall");
        var storage = new DiskFaultStorage(new InMemoryRaftStorage(), file);

        var save = Task.Run(() => storage.Save(null, [Entry.Normal(1, 1, "a"u8.ToArray())], sync: true));
        // A bounded look: the write must still be blocked a while after it began.
        await Task.WhenAny(save, Task.Delay(300));
        Assert.False(save.IsCompleted, "the write went through a stalled disk");

        File.WriteAllText(file, "ok");
        await save.WaitAsync(Deadline);
        Assert.Equal(1, storage.LastIndex);
    }

    [Fact]
    public void A_slow_disk_delays_each_write()
    {
        File.WriteAllText(file, "slow 100");
        var storage = new DiskFaultStorage(new InMemoryRaftStorage(), file);
        var clock = Stopwatch.StartNew();

        storage.Save(null, [Entry.Normal(1, 1, "a"u8.ToArray())], sync: true);

        Assert.True(clock.ElapsedMilliseconds >= 95, $"the write took {clock.ElapsedMilliseconds} ms");
    }

    private static IRaftStorage Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IRaftStorage>(_ => new InMemoryRaftStorage());
        DiskFaultStorage.Register(services, configuration);
        return services.BuildServiceProvider().GetRequiredService<IRaftStorage>();
    }
}

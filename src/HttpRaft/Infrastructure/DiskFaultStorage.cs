using System.Globalization;
using HttpRaft.Consensus;
using HttpRaft.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HttpRaft.Infrastructure;

/// <summary>
/// TEST ONLY: a slow or stalled disk for the fault-injection suite (docs/testing.md, "Fault injection"). Wraps the
/// node's storage when <c>HttpRaft__Faults__DiskFile</c> names a control file; off (not even registered) otherwise.
/// The file holds one word, re-read at most every 20 ms: <c>stall</c> blocks every write until the word changes (a
/// disk that stops answering, as in etcd#13527, where a leader whose fsync hung never stepped down); <c>slow N</c>
/// delays each write N milliseconds; anything else, or no file, is a healthy disk. Writes block on the node loop,
/// exactly where a real fsync would. Reads are left alone: they come from the cache or the page cache in practice.
/// </summary>
internal sealed partial class DiskFaultStorage(IRaftStorage inner, string controlFile) : IRaftStorage, IDisposable
{
    public const string SettingKey = "HttpRaft:Faults:DiskFile";
    private const int PollMs = 20;
    private long readAt;
    private string mode = "ok";

    /// <summary>Decorates the registered storage when the setting is present; call after <c>AddHttpRaft</c>.</summary>
    public static void Register(IServiceCollection services, IConfiguration configuration)
    {
        if (configuration[SettingKey] is not { Length: > 0 } file) return;
        var registered = services.Last(d => d.ServiceType == typeof(IRaftStorage));
        services.Replace(ServiceDescriptor.Singleton<IRaftStorage>(sp =>
        {
            Enabled(sp.GetRequiredService<ILogger<DiskFaultStorage>>(), file);
            var storage = registered.ImplementationFactory?.Invoke(sp) ?? registered.ImplementationInstance
                ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!);
            return new DiskFaultStorage((IRaftStorage)storage, file);
        }));
    }

    public HardState HardState => inner.HardState;

    public long FirstIndex => inner.FirstIndex;

    public Snapshot? Snapshot => inner.Snapshot;

    public long LastIndex => inner.LastIndex;

    public IReadOnlyList<long> ControlEntryIndexes => inner.ControlEntryIndexes;

    public StorageStatistics Statistics => inner.Statistics;

    public long Term(long index) => inner.Term(index);

    public IReadOnlyList<Entry> Entries(long low, long high, long maxBytes) => inner.Entries(low, high, maxBytes);

    public IReadOnlyList<Entry> ReadRange(long low, long high) => inner.ReadRange(low, high);

    public IReadOnlyList<SegmentSummary> Segments() => inner.Segments();

    public void Save(HardState? hardState, IReadOnlyList<Entry> entries, bool sync)
    {
        Obey();
        inner.Save(hardState, entries, sync);
    }

    public void Compact(Snapshot snapshot)
    {
        Obey();
        inner.Compact(snapshot);
    }

    public void InstallSnapshot(Snapshot snapshot)
    {
        Obey();
        inner.InstallSnapshot(snapshot);
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();

    /// <summary>Blocks the writing thread as the control file says.</summary>
    private void Obey()
    {
        var word = Mode();
        for (; word == "stall"; word = Mode()) Thread.Sleep(PollMs);
        if (word.StartsWith("slow ", StringComparison.Ordinal) && int.TryParse(word.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)) Thread.Sleep(ms);
    }

    private string Mode()
    {
        if (Environment.TickCount64 - readAt < PollMs) return mode;
        readAt = Environment.TickCount64;
        try
        {
            mode = File.Exists(controlFile) ? File.ReadAllText(controlFile).Trim() : "ok";
        }
        catch (IOException)
        {
            // The harness is rewriting the file: keep the last word until the next read.
        }
        return mode;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "TEST ONLY: disk faults are injected from {File}")]
    private static partial void Enabled(ILogger logger, string file);
}

using BenchmarkDotNet.Attributes;
using HttpRaft.Consensus;
using HttpRaft.Storage;

namespace HttpRaft.Bench;

/// <summary>
/// <see cref="FileRaftStorage.ReadRange"/> from disk (the tail cache off), as <c>GET /log</c> pages and
/// <c>GET /log/{index}</c> read it: one entry, or a page of consecutive 100-byte entries, from a log of 100,000.
/// </summary>
[MemoryDiagnoser]
public class ReadBenchmarks
{
    private const int LogEntries = 100_000;

    private FileRaftStorage storage = null!;
    private string directory = "";
    private long next = 1;

    [Params(1, 1000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        directory = Directory.CreateTempSubdirectory("httpraft-bench-").FullName;
        storage = new FileRaftStorage(new StorageOptions { Directory = directory, Fsync = FsyncPolicy.Never, CacheEntries = 0 });
        var data = new byte[100];
        Random.Shared.NextBytes(data);
        for (var first = 1; first <= LogEntries; first += 1000)
        {
            storage.Save(new HardState(1, 0, first - 1), [.. Enumerable.Range(first, 1000).Select(i => Entry.Normal(i, 1, data))], sync: false);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        storage.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [Benchmark]
    public int Read()
    {
        // A stride through the log, so each read starts at a different place.
        next = (next + 7919) % (LogEntries - Entries) + 1;
        return storage.ReadRange(next, next + Entries).Count;
    }
}

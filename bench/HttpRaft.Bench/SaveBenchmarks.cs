using BenchmarkDotNet.Attributes;
using HttpRaft.Consensus;
using HttpRaft.Storage;

namespace HttpRaft.Bench;

/// <summary>
/// <see cref="FileRaftStorage.Save"/> of one batch of 100-byte entries with its hard state, as the node loop calls it:
/// with <c>sync</c> true this is one write and one fsync for the whole batch (group commit).
/// </summary>
[MemoryDiagnoser]
public class SaveBenchmarks
{
    private FileRaftStorage storage = null!;
    private string directory = "";
    private Entry[] batch = [];
    private long next = 1;

    [Params(1, 16, 256)]
    public int BatchSize { get; set; }

    [Params(FsyncPolicy.Always, FsyncPolicy.Never)]
    public FsyncPolicy Fsync { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        directory = Directory.CreateTempSubdirectory("httpraft-bench-").FullName;
        storage = new FileRaftStorage(new StorageOptions { Directory = directory, Fsync = Fsync });
        var data = new byte[100];
        Random.Shared.NextBytes(data);
        batch = [.. Enumerable.Range(0, BatchSize).Select(_ => Entry.Normal(0, 1, data))];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        storage.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [Benchmark]
    public void SaveBatch()
    {
        for (var i = 0; i < batch.Length; i++) batch[i] = batch[i] with { Index = next + i };
        next += batch.Length;
        storage.Save(new HardState(1, 0, next - 1), batch, sync: true);
    }
}

using System.Diagnostics;
using HttpRaft.Consensus;
using HttpRaft.Storage;

namespace HttpRaft.Bench;

/// <summary>Managed memory held by a <see cref="FileRaftStorage"/> reopened on a log of N 100-byte entries.</summary>
internal static class MemoryFootprint
{
    public static void Run(int count)
    {
        var directory = Directory.CreateTempSubdirectory("httpraft-memory-").FullName;
        try
        {
            var data = new byte[100];
            var write = Stopwatch.StartNew();
            using (var storage = new FileRaftStorage(new StorageOptions { Directory = directory, Fsync = FsyncPolicy.Never }))
            {
                var batch = new Entry[1000];
                for (var first = 1; first <= count; first += batch.Length)
                {
                    for (var i = 0; i < batch.Length; i++) batch[i] = Entry.Normal(first + i, 1, data);
                    storage.Save(new HardState(1, 0, first - 1), batch, sync: false);
                }
            }
            write.Stop();
            var onDisk = Directory.GetFiles(directory, "wal-*.seg").Sum(f => new FileInfo(f).Length);

            var before = Settle();
            var open = Stopwatch.StartNew();
            using var reopened = new FileRaftStorage(new StorageOptions { Directory = directory });
            open.Stop();
            var after = Settle();
            var held = after - before;
            Console.WriteLine($"entries: {reopened.LastIndex:N0}; on disk: {onDisk / 1048576.0:F1} MiB in {reopened.SegmentCount} segments; written in {write.Elapsed.TotalSeconds:F1} s");
            Console.WriteLine($"recovery (scan + index rebuild): {open.Elapsed.TotalMilliseconds:F0} ms");
            Console.WriteLine($"managed memory held after reopening: {held / 1048576.0:F1} MiB = {(double)held / count:F1} bytes/entry (index array {reopened.IndexMemoryBytes / 1048576.0:F1} MiB)");
            GC.KeepAlive(reopened);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static long Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

using System.Text;
using HttpRaft.Consensus;
using Microsoft.Extensions.Logging;

namespace HttpRaft.Storage.Tests;

/// <summary>A temporary data directory for one test, deleted afterwards, with helpers to open storage on it.</summary>
internal sealed class DataDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("httpraft-storage-").FullName;

    public RecordingLogger<FileRaftStorage> Log { get; } = new();

    /// <summary>Opens storage here; segments may be tiny (a few records), so that tests roll them cheaply.</summary>
    public FileRaftStorage Open(long segmentBytes = 64L * 1024 * 1024, int cacheEntries = 4096, FsyncPolicy fsync = FsyncPolicy.Always) =>
        new(Options(segmentBytes, cacheEntries, fsync), Log);

    public StorageOptions Options(long segmentBytes = 64L * 1024 * 1024, int cacheEntries = 4096, FsyncPolicy fsync = FsyncPolicy.Always) =>
        new() { Directory = Path, SegmentBytes = segmentBytes, CacheEntries = cacheEntries, Fsync = fsync, AllowTinySegments = true };

    public string[] Segments() => [.. Directory.GetFiles(Path, "wal-*.seg").Order(StringComparer.Ordinal)];

    public string[] Snapshots() => [.. Directory.GetFiles(Path, "snapshot-*.snap").Order(StringComparer.Ordinal)];

    /// <summary>Every file but the lock, by name: what a crash left behind.</summary>
    public string[] Files() => [.. Directory.GetFiles(Path).Select(System.IO.Path.GetFileName).OfType<string>().Where(name => name != "LOCK").Order(StringComparer.Ordinal)];

    /// <summary>Copies the files of a data directory (a committed fixture) in here.</summary>
    public void CopyFrom(string source)
    {
        foreach (var file in Directory.GetFiles(source, "wal-*.seg")) File.Copy(file, System.IO.Path.Combine(Path, System.IO.Path.GetFileName(file)));
    }

    /// <summary>XORs the byte at <paramref name="offset"/> of <paramref name="path"/> with <paramref name="mask"/>; works while storage holds the file open.</summary>
    public static void FlipBits(string path, long offset, byte mask = 0x40)
    {
        var one = new byte[1];
        using var handle = OpenShared(path);
        RandomAccess.Read(handle, one, offset);
        one[0] ^= mask;
        RandomAccess.Write(handle, one, offset);
    }

    /// <summary>Writes <paramref name="bytes"/> over <paramref name="path"/> at <paramref name="offset"/>; works while storage holds the file open.</summary>
    public static void Overwrite(string path, long offset, byte[] bytes)
    {
        using var handle = OpenShared(path);
        RandomAccess.Write(handle, bytes, offset);
    }

    /// <summary>Cuts <paramref name="path"/> to <paramref name="length"/> bytes; works while storage holds the file open.</summary>
    public static void CutTo(string path, long length)
    {
        using var handle = OpenShared(path);
        RandomAccess.SetLength(handle, length);
    }

    private static Microsoft.Win32.SafeHandles.SafeFileHandle OpenShared(string path) =>
        File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);

    public static Entry Make(long index, long term, string text = "") =>
        Entry.Normal(index, term, Encoding.UTF8.GetBytes(text.Length > 0 ? text : $"entry {index}"));

    public static Entry[] Range(long first, long last, long term) =>
        [.. Enumerable.Range((int)first, (int)(last - first + 1)).Select(i => Make(i, term))];

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>Keeps what was logged, so tests can check the recovery warnings.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly List<string> warnings = [];

    public IReadOnlyList<string> Warnings
    {
        get { lock (warnings) return [.. warnings]; }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel < LogLevel.Warning) return;
        lock (warnings) warnings.Add(formatter(state, exception));
    }
}

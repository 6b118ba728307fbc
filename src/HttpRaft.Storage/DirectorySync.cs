using System.Runtime.InteropServices;

namespace HttpRaft.Storage;

/// <summary>fsync of a directory, so a created, renamed or deleted file name is itself durable (POSIX only).</summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;
    private const string Libc = "libc";

    static DirectorySync()
    {
        // "libc" alone resolves only where the dev symlink libc.so exists; name the real library on each platform.
        NativeLibrary.SetDllImportResolver(typeof(DirectorySync).Assembly, (name, _, _) =>
        {
            if (name != Libc) return 0;
            foreach (var candidate in (string[])["libc.so.6", "libc.so", "/usr/lib/libSystem.dylib", "libc"])
            {
                if (NativeLibrary.TryLoad(candidate, out var handle)) return handle;
            }
            return 0;
        });
    }

    public static void Sync(string directory)
    {
        // Windows makes directory entries durable with the file; .NET cannot open a directory there anyway.
        if (OperatingSystem.IsWindows()) return;
        var fd = Open(directory, ReadOnly);
        if (fd < 0) throw new IOException($"cannot open directory {directory} to sync it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport(Libc, EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}

using Microsoft.Win32.SafeHandles;

namespace HttpRaft.Storage;

/// <summary>
/// A segment's file handle shared by its owner (the writer, or the read-handle cache) and the readers using it at
/// the moment: it is closed when the last of them lets go, so an owner can drop it while a read is in flight.
/// </summary>
/// <remarks>
/// <see cref="SafeFileHandle"/> counts its users too, but once disposed it refuses new reads, and a read that
/// found the handle under the storage's lock must be able to finish after the lock is released.
/// </remarks>
internal sealed class SharedHandle
{
    private readonly OpenFileCount openFiles;
    private int references = 1;

    public SharedHandle(SafeFileHandle handle, OpenFileCount openFiles)
    {
        Handle = handle;
        this.openFiles = openFiles;
        openFiles.Opened();
    }

    public SafeFileHandle Handle { get; }

    /// <summary>Adds a user unless the handle is already closed.</summary>
    public bool TryAcquire()
    {
        var seen = Volatile.Read(ref references);
        while (seen > 0)
        {
            var previous = Interlocked.CompareExchange(ref references, seen + 1, seen);
            if (previous == seen) return true;
            seen = previous;
        }
        return false;
    }

    /// <summary>Drops one user (the owner's reference included); the last one closes the file.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref references) != 0) return;
        Handle.Dispose();
        openFiles.Closed();
    }
}

/// <summary>How many segment files a storage holds open right now (its writer, cached readers and reads in flight).</summary>
internal sealed class OpenFileCount
{
    private int count;

    public int Value => Volatile.Read(ref count);

    public void Opened() => Interlocked.Increment(ref count);

    public void Closed() => Interlocked.Decrement(ref count);
}

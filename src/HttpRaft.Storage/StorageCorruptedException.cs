namespace HttpRaft.Storage;

/// <summary>The log on disk is damaged somewhere other than a torn tail: the node must not start on it.</summary>
public sealed class StorageCorruptedException : Exception
{
    public StorageCorruptedException(string file, long offset, string problem)
        : base($"corrupted log: {file} at offset {offset}: {problem}")
    {
        File = file;
        Offset = offset;
    }

    public StorageCorruptedException()
    {
        File = "";
    }

    public StorageCorruptedException(string message) : base(message)
    {
        File = "";
    }

    public StorageCorruptedException(string message, Exception innerException) : base(message, innerException)
    {
        File = "";
    }

    /// <summary>The damaged file.</summary>
    public string File { get; }

    /// <summary>The byte offset in <see cref="File"/> of the damaged record.</summary>
    public long Offset { get; }
}

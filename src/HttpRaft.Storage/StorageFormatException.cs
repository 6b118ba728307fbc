namespace HttpRaft.Storage;

/// <summary>A file in the data directory is in a format version this release does not read: the node must not start on it.</summary>
public sealed class StorageFormatException : Exception
{
    public StorageFormatException(string file, long version, IReadOnlyList<int> readable)
        : base($"unsupported storage format: {file} is format version {version}; this release reads format versions {string.Join(" and ", readable)} (a newer release wrote it?)")
    {
        File = file;
        Version = version;
        ReadableVersions = readable;
    }

    public StorageFormatException()
    {
        File = "";
        ReadableVersions = [];
    }

    public StorageFormatException(string message) : base(message)
    {
        File = "";
        ReadableVersions = [];
    }

    public StorageFormatException(string message, Exception innerException) : base(message, innerException)
    {
        File = "";
        ReadableVersions = [];
    }

    /// <summary>The file whose version is unknown.</summary>
    public string File { get; }

    /// <summary>The version the file says it is in.</summary>
    public long Version { get; }

    /// <summary>The versions this release reads.</summary>
    public IReadOnlyList<int> ReadableVersions { get; }
}

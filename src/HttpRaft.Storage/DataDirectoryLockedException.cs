namespace HttpRaft.Storage;

/// <summary>Another process (or another storage in this one) already holds the data directory's lock file.</summary>
public sealed class DataDirectoryLockedException : Exception
{
    public DataDirectoryLockedException()
    {
    }

    public DataDirectoryLockedException(string message) : base(message)
    {
    }

    public DataDirectoryLockedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

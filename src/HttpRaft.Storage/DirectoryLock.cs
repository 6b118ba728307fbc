namespace HttpRaft.Storage;

/// <summary>
/// The data directory's <c>LOCK</c> file, held open with <see cref="FileShare.None"/> for as long as the storage is
/// open, so two nodes pointed at one directory fail at start-up instead of interleaving writes.
/// </summary>
internal sealed class DirectoryLock : IDisposable
{
    public const string FileName = "LOCK";

    private readonly FileStream stream;

    private DirectoryLock(FileStream stream) => this.stream = stream;

    public static DirectoryLock Acquire(string directory)
    {
        var path = Path.Combine(directory, FileName);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            stream.Write(System.Text.Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n"));
            stream.Flush();
            return new DirectoryLock(stream);
        }
        catch (IOException e)
        {
            throw new DataDirectoryLockedException($"data directory {directory} is in use: {path} is locked by another node (is it already running?)", e);
        }
    }

    public void Dispose() => stream.Dispose();
}

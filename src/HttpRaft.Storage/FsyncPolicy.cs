namespace HttpRaft.Storage;

/// <summary>When the write-ahead log forces its writes to stable storage.</summary>
public enum FsyncPolicy
{
    /// <summary>One fsync per <see cref="IRaftStorage.Save"/> that asks for it: nothing acknowledged is lost on power failure (the default).</summary>
    Always = 0,

    /// <summary>
    /// Never fsync: writes reach the OS page cache only. Survives a process crash (kill -9), but a power failure or
    /// kernel crash can lose recent entries and votes, which can break Raft's safety. For tests and throwaway clusters.
    /// </summary>
    Never = 1,
}

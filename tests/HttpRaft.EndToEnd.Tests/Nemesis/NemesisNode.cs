using System.Globalization;

namespace HttpRaft.EndToEnd.Tests.Nemesis;

/// <summary>Where a node of a <see cref="NemesisCluster"/> stands, as the harness made it.</summary>
internal enum NodeState
{
    Running,
    Paused,
    Killed,

    /// <summary>No longer a member (removed, or its join failed); its process is stopped for good.</summary>
    Gone,
}

/// <summary>
/// One node process of a <see cref="NemesisCluster"/>: its API address (clients reach it directly), the proxy in front
/// of its peer port, the real port it listens on behind it, its working directory and the control file of its disk.
/// </summary>
internal sealed class NemesisNode(string api, PeerProxy proxy, int listenPort, string directory, IReadOnlyList<string> arguments)
{
    /// <summary>The Raft id; -1 for a joining node until its <c>member.json</c> names it.</summary>
    public int Id { get; set; } = -1;

    public string Api => api;

    public PeerProxy Proxy => proxy;

    /// <summary>The member's peer address: the proxy's.</summary>
    public string Peer => proxy.Address;

    /// <summary>Where the node's peer port really listens (<c>HttpRaft__PeerListen</c>).</summary>
    public string PeerListen => $"127.0.0.1:{listenPort.ToString(CultureInfo.InvariantCulture)}";

    public string Directory => directory;

    /// <summary>The command line that starts (and restarts) it.</summary>
    public IReadOnlyList<string> Arguments => arguments;

    /// <summary>The test-only disk control file (<c>HttpRaft__Faults__DiskFile</c>).</summary>
    public string DiskFile => Path.Combine(directory, "disk-fault");

    public ChildProcess? Process { get; set; }

    public NodeState State { get; set; }

    /// <summary>A member the harness counts on: it has an id and was not removed.</summary>
    public bool IsMember => Id >= 0 && State != NodeState.Gone;

    public Uri ApiUri(string pathAndQuery) => new($"http://{api}{pathAndQuery}");

    /// <summary>Writes the disk's control word (<c>ok</c>, <c>stall</c> or <c>slow N</c>) by a rename, so the node never reads half of it.</summary>
    public void SetDisk(string word)
    {
        File.WriteAllText(DiskFile + ".tmp", word);
        File.Move(DiskFile + ".tmp", DiskFile, overwrite: true);
    }

    /// <summary>kill -9: a crash, losing nothing that was fsynced.</summary>
    public void Kill()
    {
        if (State is NodeState.Gone or NodeState.Killed) return;
        Process?.Kill();
        State = NodeState.Killed;
    }

    /// <summary>SIGSTOP: the process freezes with its sockets open, believing whatever it believed.</summary>
    public void Pause()
    {
        if (State != NodeState.Running) return;
        Process!.Signal("STOP");
        State = NodeState.Paused;
    }

    public void Resume()
    {
        if (State != NodeState.Paused) return;
        Process!.Signal("CONT");
        State = NodeState.Running;
    }

    /// <summary>Stops a node that is no longer a member, for good.</summary>
    public void Retire()
    {
        Process?.Kill();
        State = NodeState.Gone;
    }

    public override string ToString() => Id >= 0 ? $"node {Id}" : $"joining node at {api}";
}

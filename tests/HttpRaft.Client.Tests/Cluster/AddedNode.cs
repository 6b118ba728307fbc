using HttpRaft.Storage;
using HttpRaft.Tests.Cluster;

namespace HttpRaft.Client.Tests.Cluster;

/// <summary>
/// A node that a client added through <c>POST /cluster/members</c>, started by the test on the addresses it gave and
/// with the id the leader answered, on an empty data directory of its own, as an operator starts a new member. The
/// cluster's harness does not own it: disposing it stops the node and deletes its directory.
/// </summary>
internal sealed class AddedNode : IAsyncDisposable
{
    private readonly NodeFactory node;
    private readonly FileRaftStorage disk;
    private readonly string directory;

    private AddedNode(NodeFactory node, FileRaftStorage disk, string directory, string api)
    {
        this.node = node;
        this.disk = disk;
        this.directory = directory;
        Api = new Uri($"http://{api}/");
    }

    /// <summary>Its client API as a base URI, as the client's members are.</summary>
    public Uri Api { get; }

    /// <summary>Starts member <paramref name="member"/> of <paramref name="cluster"/>, which the leader has just added.</summary>
    public static AddedNode Start(TestCluster cluster, ClusterMember member)
    {
        var directory = Directory.CreateTempSubdirectory($"httpraft-added-{member.Id}-").FullName;
        var disk = new FileRaftStorage(new StorageOptions { Directory = directory });
        var node = new NodeFactory(member.Id, cluster.Layout.WithJoined(member.Id, member.Peer, member.Api), disk, cluster.Partition);
        node.StartServer();
        return new AddedNode(node, disk, directory, member.Api);
    }

    public async ValueTask DisposeAsync()
    {
        await node.DisposeAsync();
        disk.Dispose();
        Directory.Delete(directory, recursive: true);
    }
}

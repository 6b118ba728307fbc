using HttpRaft.AspNetCore;
using HttpRaft.AspNetCore.Node;
using HttpRaft.Storage;
using Microsoft.Extensions.Options;

namespace HttpRaft.Tests.Log;

/// <summary>An append that reaches a node after its loop has stopped says so, rather than blaming load.</summary>
public sealed class StoppedAppendTests
{
    [Fact]
    public async Task An_append_after_the_inbox_closed_is_stopped_not_overloaded()
    {
        var options = Options.Create(new RaftHostOptions { NodeId = 0, Peers = ["peer0:8000"], Apis = ["api0:9000"] });
        var inbox = new NodeInbox(options);
        var storage = new InMemoryRaftStorage();
        var log = new LocalRaftLog(inbox, new NodeViewHolder(options, storage), storage, options, TimeProvider.System);
        inbox.Close();

        var result = await log.AppendAsync([new byte[] { 1 }]);

        Assert.Equal(AppendOutcome.Stopped, result.Outcome);
    }
}

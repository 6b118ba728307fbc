using HttpRaft.AspNetCore;
using HttpRaft.AspNetCore.Node;
using Microsoft.Extensions.Options;

namespace HttpRaft.Tests.Node;

/// <summary>The loop's inbox: ticks never pile up, and a full inbox refuses input instead of blocking the writer.</summary>
public sealed class NodeInboxTests
{
    [Fact]
    public void Ticks_coalesce_while_one_is_waiting()
    {
        var inbox = NewInbox(capacity: 16);

        for (var i = 0; i < 100; i++) inbox.PostTick();

        Assert.Equal(1, inbox.Reader.Count);
        Assert.True(inbox.Reader.TryRead(out _));
        inbox.TickTaken();
        inbox.PostTick();
        Assert.Equal(1, inbox.Reader.Count);
    }

    [Fact]
    public void A_full_inbox_refuses_input()
    {
        var inbox = NewInbox(capacity: 16);

        for (var i = 0; i < 16; i++) Assert.True(inbox.TryPost(new StatusInput()));

        Assert.False(inbox.TryPost(new StatusInput()));
        inbox.PostTick(); // must not throw or block, and must not count as queued
        Assert.True(inbox.Reader.TryRead(out _));
        inbox.PostTick();
        Assert.Equal(16, inbox.Reader.Count);
    }

    [Fact]
    public void Client_input_cannot_take_the_room_kept_for_peer_messages_and_ticks()
    {
        var inbox = NewInbox(capacity: 16);

        var admitted = 0;
        while (inbox.TryPostClient(new StatusInput())) admitted++;

        Assert.Equal(12, admitted);
        Assert.True(inbox.TryPost(new StatusInput()));
        inbox.PostTick();
        Assert.Equal(14, inbox.Reader.Count);
    }

    private static NodeInbox NewInbox(int capacity) =>
        new(Options.Create(new RaftHostOptions { InboxCapacity = capacity }));
}

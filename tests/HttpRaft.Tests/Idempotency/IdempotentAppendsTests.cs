using System.Text;
using HttpRaft.AspNetCore;
using HttpRaft.AspNetCore.Idempotency;
using HttpRaft.AspNetCore.Node;
using HttpRaft.Consensus;
using HttpRaft.Storage;

namespace HttpRaft.Tests.Idempotency;

/// <summary>The node loop's exactly-once rules: replay or conflict for applied keys, joining a key in flight, holding back while a new leader catches up, rebuilding from the log.</summary>
public sealed class IdempotentAppendsTests
{
    private readonly IdempotentAppends appends = new(window: 100);

    [Fact]
    public async Task An_applied_key_is_answered_with_its_original_index_and_term_without_proposing()
    {
        appends.OnApplied([KeyedEntry(7, 3, "k", "hello")]);

        var retry = Proposal("k", "hello");
        Assert.False(appends.Admit(retry, leaderCatchingUp: false, leaderId: 1));
        Assert.Equal(new AppendResult(AppendOutcome.Committed, 7, 7, 3, 1) { Replayed = true }, await retry.Task);
    }

    [Fact]
    public async Task An_applied_key_with_other_entries_is_a_conflict()
    {
        appends.OnApplied([KeyedEntry(7, 3, "k", "hello")]);

        var reuse = Proposal("k", "goodbye");
        Assert.False(appends.Admit(reuse, leaderCatchingUp: false, leaderId: 1));
        Assert.Equal(AppendOutcome.KeyConflict, (await reuse.Task).Outcome);
    }

    [Fact]
    public async Task A_retry_of_a_key_in_flight_waits_for_that_append_instead_of_appending_again()
    {
        var original = Proposal("k", "hello");
        Assert.True(appends.Admit(original, leaderCatchingUp: false, leaderId: 1));
        appends.Proposed(original);

        var retry = Proposal("k", "hello");
        Assert.False(appends.Admit(retry, leaderCatchingUp: false, leaderId: 1));
        Assert.False(retry.Task.IsCompleted);

        original.Complete(new AppendResult(AppendOutcome.Committed, 9, 9, 4, 1));
        Assert.Equal(new AppendResult(AppendOutcome.Committed, 9, 9, 4, 1) { Replayed = true }, await retry.Task);
    }

    [Fact]
    public async Task A_new_leader_holds_keyed_appends_back_until_it_has_caught_up_then_answers_from_its_table()
    {
        var retry = Proposal("k", "hello");
        Assert.False(appends.Admit(retry, leaderCatchingUp: true, leaderId: 1));
        Assert.True(appends.HasDeferred);

        // Catching up applies the old leader's entry with that key.
        appends.OnApplied([KeyedEntry(5, 2, "k", "hello")]);
        var again = Assert.Single(appends.TakeDeferred());
        Assert.False(appends.Admit(again, leaderCatchingUp: false, leaderId: 1));
        Assert.Equal(5, (await retry.Task).FirstIndex);
    }

    [Fact]
    public async Task Held_back_appends_fail_as_not_leader_when_leadership_is_lost()
    {
        var held = Proposal("k", "hello");
        appends.Admit(held, leaderCatchingUp: true, leaderId: 1);

        appends.OnLeadershipLost(leaderId: 2, term: 5);

        Assert.Equal(AppendOutcome.NotLeader, (await held.Task).Outcome);
        Assert.False(appends.HasDeferred);
    }

    [Fact]
    public void Applying_past_the_window_forgets_older_keys_as_a_rebuild_would()
    {
        var small = new IdempotentAppends(window: 3);
        small.OnApplied([KeyedEntry(1, 1, "old", "a")]);
        small.OnApplied([Entry.Normal(2, 1, default), Entry.Normal(3, 1, default)]);
        Assert.Equal(1, small.KnownKeys);

        small.OnApplied([Entry.Normal(4, 1, default)]);

        Assert.Equal(0, small.KnownKeys);
    }

    [Fact]
    public async Task The_table_is_rebuilt_from_the_window_of_applied_entries()
    {
        var storage = new InMemoryRaftStorage();
        var entries = new List<Entry> { Entry.NoOp(1, 1) };
        for (var i = 2; i <= 40; i++) entries.Add(i % 2 == 0 ? KeyedEntry(i, 1, $"key-{i}", $"e{i}") : Entry.Normal(i, 1, Encoding.UTF8.GetBytes($"e{i}")));
        storage.Save(new HardState(1, 0, 40), entries, sync: true);
        var rebuilt = new IdempotentAppends(window: 10);

        rebuilt.Rebuild(storage, appliedIndex: 36);

        // Entries 27..36 are the window: keyed ones are the even indexes 28..36.
        Assert.Equal(5, rebuilt.KnownKeys);
        var newest = Proposal("key-36", "e36");
        Assert.False(rebuilt.Admit(newest, leaderCatchingUp: false, leaderId: 0));
        Assert.Equal(36, (await newest.Task).FirstIndex);
        // Beyond the applied index: not applied yet, so not known.
        Assert.True(rebuilt.Admit(Proposal("key-38", "e38"), leaderCatchingUp: false, leaderId: 0));
        // Outside the window: forgotten.
        Assert.True(rebuilt.Admit(Proposal("key-26", "e26"), leaderCatchingUp: false, leaderId: 0));
    }

    private static ProposeInput Proposal(string key, string text)
    {
        ReadOnlyMemory<byte>[] entries = [Encoding.UTF8.GetBytes(text)];
        var header = new KeyedHeader(key, KeyedEnvelope.HashOf(entries), 1);
        return new ProposeInput(ClientPayload.Frame(entries, header), header);
    }

    private static Entry KeyedEntry(long index, long term, string key, string text)
    {
        ReadOnlyMemory<byte>[] entries = [Encoding.UTF8.GetBytes(text)];
        var data = ClientPayload.Frame(entries, new KeyedHeader(key, KeyedEnvelope.HashOf(entries), 1))[0];
        return Entry.Normal(index, term, data);
    }
}

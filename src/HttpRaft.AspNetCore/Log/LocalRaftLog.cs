using HttpRaft.AspNetCore.Idempotency;
using HttpRaft.AspNetCore.Node;
using HttpRaft.Consensus;
using HttpRaft.Storage;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore;

/// <summary>
/// <see cref="IRaftLog"/> for the node hosted in this process: writes and status go through the node loop's
/// inbox; reads of committed entries go straight to storage, bounded by the applied index the loop published.
/// </summary>
internal sealed class LocalRaftLog(NodeInbox inbox, NodeViewHolder views, IRaftStorage storage, IOptions<RaftHostOptions> options, TimeProvider time)
    : IRaftLog
{
    private readonly RaftHostOptions settings = options.Value;

    private TimeSpan CommitTimeout => TimeSpan.FromMilliseconds(settings.CommitTimeoutMs);

    public int NodeId => settings.Id;

    public NodeView View => views.Current;

    public long FirstIndex => storage.FirstIndex;

    public string? LeaderApiAddress => ApiOf(views.Current.LeaderId);

    private string? ApiOf(int id) => views.Current.Membership.ApiOf(id);

    public Task<AppendResult> AppendAsync(IReadOnlyList<ReadOnlyMemory<byte>> entries, CancellationToken cancellationToken = default) =>
        AppendAsync(entries, null, cancellationToken);

    public async Task<AppendResult> AppendAsync(IReadOnlyList<ReadOnlyMemory<byte>> entries, string? idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0) throw new ArgumentException("Append at least one entry.", nameof(entries));
        if (idempotencyKey is not null && !IdempotencyKey.IsValid(idempotencyKey)) throw new ArgumentException("Not a valid idempotency key.", nameof(idempotencyKey));
        // An entry larger than one AppendEntries message could never be replicated, and would wedge the log behind it.
        if (AnyLargerThan(entries, settings.MaxEntryBytes)) return Hinted(AppendResult.Failed(AppendOutcome.TooLarge, View.LeaderId));
        if (View.Removed) return AppendResult.Failed(AppendOutcome.Removed, RaftNode.None);
        var keyed = idempotencyKey is null ? null : new KeyedHeader(idempotencyKey, KeyedEnvelope.HashOf(entries), entries.Count);
        var proposal = new ProposeInput(ClientPayload.Frame(entries, keyed), keyed);
        var result = inbox.TryPostClient(proposal)
            ? await WaitAsync(proposal.Task, AppendResult.Failed(AppendOutcome.TimedOut, View.LeaderId), cancellationToken).ConfigureAwait(false)
            : AppendResult.Failed(inbox.IsClosed ? AppendOutcome.Stopped : AppendOutcome.Overloaded, View.LeaderId);
        return Hinted(result);
    }

    // A loop, not LINQ: this runs for every append, and a capturing lambda allocates each time.
    private static bool AnyLargerThan(IReadOnlyList<ReadOnlyMemory<byte>> entries, int maxBytes)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Length > maxBytes) return true;
        }
        return false;
    }

    private AppendResult Hinted(AppendResult result) => result with { LeaderApi = ApiOf(result.LeaderId) };

    public LogPage ReadCommitted(long fromIndex, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var appliedIndex = View.AppliedIndex;
        var page = new List<Entry>(Math.Min(limit, 256));
        var next = Math.Max(fromIndex, 1);
        long bytes = 0;
        while (page.Count < limit && next <= appliedIndex)
        {
            var high = Math.Min(appliedIndex + 1, next + (limit - page.Count));
            // Entries stops reading at the bytes still allowed (the stores' reads are thread-safe; applied entries
            // are durable and never truncated, only cut from the front), so a page of large entries never loads more
            // than about MaxPageBytes.
            if (ReadChunk(next, high, SizeLimits.MaxPageBytes - bytes) is not { Count: > 0 } chunk) break;
            foreach (var entry in chunk)
            {
                if (!entry.IsClientEntry) continue;
                var client = ClientView(entry);
                // Always at least one entry, so a client can page past any entry whatever its size.
                if (page.Count > 0 && bytes + client.Data.Length > SizeLimits.MaxPageBytes) return Page(page, appliedIndex);
                bytes += client.Data.Length;
                page.Add(client);
            }
            next = chunk[^1].Index + 1;
        }
        return Page(page, appliedIndex);
    }

    /// <summary>Null when a cut deleted <paramref name="low"/> (before or during the read): the page's first index then tells the caller.</summary>
    private IReadOnlyList<Entry>? ReadChunk(long low, long high, long maxBytes)
    {
        if (low < storage.FirstIndex) return null;
        try
        {
            return storage.Entries(low, high, maxBytes);
        }
        catch (ArgumentOutOfRangeException) when (low < storage.FirstIndex)
        {
            return null;
        }
    }

    /// <summary>The first index is read after the entries: had a cut moved it past the page's start meanwhile, the page would show a gap.</summary>
    private LogPage Page(List<Entry> entries, long appliedIndex) => new(entries, appliedIndex) { FirstIndex = storage.FirstIndex };

    public Entry? GetCommitted(long index)
    {
        if (index < 1 || index > View.AppliedIndex) return null;
        var found = storage.ReadRange(index, index + 1);
        return found.Count == 1 ? ClientView(found[0]) : null;
    }

    /// <summary>What a reader sees of an entry: a client entry without the host's framing, so readers see the client's bytes only.</summary>
    private static Entry ClientView(Entry entry) =>
        entry.IsClientEntry ? entry with { Data = ClientPayload.ClientData(entry.Data) } : entry;

    public Task<bool> WaitForAppliedAsync(long index, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        views.Applied.WaitForAsync(index, timeout, time, cancellationToken);

    public async Task<RaftStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var request = new StatusInput();
        if (!inbox.TryPostClient(request)) throw new InvalidOperationException("The node loop is not accepting requests.");
        return await request.Task.WaitAsync(CommitTimeout, time, cancellationToken).ConfigureAwait(false);
    }

    public async Task<long?> ReadIndexAsync(CancellationToken cancellationToken = default)
    {
        var read = new ReadIndexInput();
        if (!inbox.TryPostClient(read)) return null;
        return await WaitAsync(read.Task, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<TransferOutcome> TransferLeadershipAsync(int? targetId, CancellationToken cancellationToken = default)
    {
        var request = new TransferInput(targetId ?? RaftNode.None);
        var outcome = inbox.TryPostClient(request)
            // The core gives up after one election timeout; the new leader's first message may take a heartbeat more.
            ? await WaitAsync(request.Task, new TransferOutcome(TransferStatus.TimedOut, View.LeaderId), cancellationToken).ConfigureAwait(false)
            : new TransferOutcome(inbox.IsClosed ? TransferStatus.Stopped : TransferStatus.TimedOut, View.LeaderId);
        return outcome with { LeaderApi = ApiOf(outcome.LeaderId) };
    }

    public async Task<ChangeOutcome> ChangeMembershipAsync(MembershipChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var request = new ChangeInput(change);
        var outcome = inbox.TryPostClient(request)
            ? await WaitAsync(request.Task, new ChangeOutcome(ChangeStatus.TimedOut, null, null, View.LeaderId), cancellationToken).ConfigureAwait(false)
            : new ChangeOutcome(inbox.IsClosed ? ChangeStatus.Stopped : ChangeStatus.Pending, null, null, View.LeaderId);
        return outcome with { LeaderApi = ApiOf(outcome.LeaderId) };
    }

    public async Task<TruncateOutcome> TruncateAsync(long firstIndex, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(firstIndex, 1);
        var request = new TruncateInput(firstIndex);
        var view = View;
        var outcome = inbox.TryPostClient(request)
            ? await WaitAsync(request.Task, new TruncateOutcome(TruncateStatus.TimedOut, view.FirstIndex, view.LastIndex, view.CommitIndex, view.LeaderId), cancellationToken).ConfigureAwait(false)
            : new TruncateOutcome(inbox.IsClosed ? TruncateStatus.Stopped : TruncateStatus.TimedOut, view.FirstIndex, view.LastIndex, view.CommitIndex, view.LeaderId);
        return outcome with { LeaderApi = ApiOf(outcome.LeaderId) };
    }

    /// <summary>Waits for the loop's answer up to the commit timeout; the loop may still complete the request later, harmlessly.</summary>
    private async Task<T> WaitAsync<T>(Task<T> answer, T onTimeout, CancellationToken cancellationToken)
    {
        try
        {
            return await answer.WaitAsync(CommitTimeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return onTimeout;
        }
    }
}

using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using HttpRaft.AspNetCore.Observability;
using HttpRaft.Consensus;

namespace HttpRaft.Dashboard;

/// <summary>
/// A node's dashboard event stream: a <see cref="DashboardFrame"/> whenever its loop publishes (about four a
/// second), at least every two seconds so a page can tell a live node from a dead one, and never more often than
/// every 200 ms. Each stream sends each sample and event once.
/// </summary>
internal sealed class DashboardStream(NodeTelemetry telemetry, IClusterMembers members, DashboardActions actions)
{
    public const string EventType = "state";
    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(2);

    public async IAsyncEnumerable<SseItem<DashboardFrame>> FramesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long sampleSent = 0;
        long eventsSeen = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var changed = telemetry.Changed;
            var samples = telemetry.SamplesAfter(sampleSent);
            if (samples.Count > 0) sampleSent = samples[^1].UnixMs;
            yield return new SseItem<DashboardFrame>(Frame(telemetry.Current, samples, telemetry.EventsAfter(ref eventsSeen)), EventType);
            await Task.Delay(MinInterval, cancellationToken).ConfigureAwait(false);
            await WaitAsync(changed, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WaitAsync(Task changed, CancellationToken cancellationToken)
    {
        try
        {
            await changed.WaitAsync(MaxInterval, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Nothing new: send the same state again, as the page's sign of life.
        }
    }

    private DashboardFrame Frame(NodeSnapshot node, IReadOnlyList<RateSample> samples, IReadOnlyList<ClusterEvent> events)
    {
        var known = members.Members;
        var api = known.FirstOrDefault(m => m.Id == node.NodeId)?.Api ?? "";
        return new DashboardFrame(
            node.NodeId, api, node.Role.ToString().ToLowerInvariant(), node.Term, node.LeaderId == RaftNode.None ? null : node.LeaderId,
            node.FirstIndex, node.AppliedIndex, node.CommitIndex, node.LastIndex, node.PendingProposals, node.WalBytes, node.WalSegments,
            telemetry.Saturation, node.Followers, [.. known.Select(m => new MemberFrame(m.Id, m.Api, m.ApiBase))], samples, events, actions,
            node.UnixMs);
    }
}

using System.Diagnostics;
using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore.Observability;

/// <summary>
/// Heartbeat round trips per peer, as the leader's node loop sees them: from handing a heartbeat to the transport to
/// stepping the peer's answer (so it includes both queues and the follower's loop, as Raft experiences it). One
/// heartbeat per peer is timed at a time; an answer that never comes is given up after a few seconds. Owned by the
/// node loop; never allocates.
/// </summary>
internal sealed class PeerRoundTrips
{
    private static readonly long GiveUpTicks = Stopwatch.Frequency * 5;
    // By peer id: members come and go, so no array sized at start-up. A peer is added at its first heartbeat.
    private readonly Dictionary<int, long> sentAt = [];
    private readonly Dictionary<int, double> lastMs = [];

    /// <summary>Starts timing a heartbeat to each peer that has none outstanding.</summary>
    public void Sent(IReadOnlyList<Message> messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not Heartbeat { To: var to }) continue;
            // Heartbeats go out a few times a second, not per batch: only they read the clock.
            var now = Stopwatch.GetTimestamp();
            var sent = sentAt.GetValueOrDefault(to);
            if (sent == 0 || now - sent > GiveUpTicks) sentAt[to] = now;
        }
    }

    /// <summary>The round trip a heartbeat answer completes, in seconds; null if none was being timed for its sender.</summary>
    public double? Received(Message message, long now)
    {
        if (message is not HeartbeatResponse { From: var from } || sentAt.GetValueOrDefault(from) is not (> 0 and var sent)) return null;
        var seconds = Stopwatch.GetElapsedTime(sent, now).TotalSeconds;
        sentAt[from] = 0;
        lastMs[from] = seconds * 1000;
        return seconds;
    }

    /// <summary>The last measured round trip to <paramref name="peer"/> in milliseconds, or null before the first.</summary>
    public double? LastMs(int peer) => lastMs.TryGetValue(peer, out var ms) ? ms : null;
}

using HttpRaft.Consensus;

namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>
/// The simulated wire: every message gets a random delay (so messages reorder), and may be dropped or
/// duplicated; links can be cut one way or both. Nothing is ever corrupted (Raft assumes no tampering).
/// The table of cut links grows as nodes join (ids are never reused, so it stays small).
/// </summary>
internal sealed class SimNetwork(Random random, int size)
{
    private readonly PriorityQueue<InFlightMessage, (long, long)> inFlight = new();
    private bool[,] cut = new bool[size, size];
    private int capacity = size;
    private long sequence;
    private bool inOrder;
    private readonly Dictionary<(int From, int To), long> lastDueOn = [];

    public double DropRate { get; set; }

    public double DuplicateRate { get; set; }

    /// <summary>Chance that a message is held back for several ticks, overtaken by later ones.</summary>
    public double LongDelayRate { get; set; }

    public int MaxDelay { get; set; } = 8;

    public int LongDelay { get; set; } = 60;

    public int InFlightCount => inFlight.Count;

    public void Send(Message message, long now)
    {
        if (random.NextDouble() < DropRate) return;
        Enqueue(message, now);
        if (random.NextDouble() < DuplicateRate) Enqueue(message, now);
    }

    /// <summary>The next message due at or before <paramref name="now"/> whose link is up; cut links swallow messages.</summary>
    public bool TryReceive(long now, out Message message)
    {
        while (inFlight.TryPeek(out var next, out _) && next.DeliverAt <= now)
        {
            inFlight.Dequeue();
            if (cut[next.Message.From, next.Message.To]) continue;
            message = next.Message;
            return true;
        }
        message = null!;
        return false;
    }

    public void Cut(int from, int to) => cut[from, to] = true;

    /// <summary>Makes room for node ids up to <paramref name="newSize"/> - 1; a node that joins is cut off from nobody.</summary>
    public void Grow(int newSize)
    {
        if (newSize <= capacity) return;
        var grown = new bool[newSize, newSize];
        for (var a = 0; a < capacity; a++)
        {
            for (var b = 0; b < capacity; b++) grown[a, b] = cut[a, b];
        }
        cut = grown;
        capacity = newSize;
    }

    /// <summary>Splits the nodes into two sides; with <paramref name="oneWay"/> only traffic from the first side to the second is lost.</summary>
    public void Partition(IReadOnlyCollection<int> side, bool oneWay)
    {
        for (var a = 0; a < capacity; a++)
        {
            for (var b = 0; b < capacity; b++)
            {
                if (side.Contains(a) && !side.Contains(b)) cut[a, b] = true;
                if (!oneWay && !side.Contains(a) && side.Contains(b)) cut[a, b] = true;
            }
        }
    }

    public void Heal() => Array.Clear(cut);

    /// <summary>Loses everything on the wire to or from a node that crashed (its connections reset).</summary>
    public void DropFor(int node)
    {
        var kept = new List<(InFlightMessage, (long, long))>();
        while (inFlight.TryDequeue(out var m, out var p))
        {
            if (m.Message.To != node && m.Message.From != node) kept.Add((m, p));
        }
        inFlight.EnqueueRange(kept);
    }

    /// <summary>
    /// From now on nothing is lost, duplicated or held back, and each link delivers in the order it was sent, as a
    /// healthy TCP connection between two peers does: the liveness bounds count message delays of at most
    /// <see cref="MaxDelay"/>. Messages already on the wire arrive as they were going to.
    /// </summary>
    public void MakeReliable()
    {
        DropRate = 0;
        DuplicateRate = 0;
        LongDelayRate = 0;
        inOrder = true;
    }

    private void Enqueue(Message message, long now)
    {
        var delay = 1 + random.Next(MaxDelay);
        if (random.NextDouble() < LongDelayRate) delay += random.Next(LongDelay);
        var at = now + delay;
        if (inOrder)
        {
            var link = (message.From, message.To);
            at = Math.Max(at, lastDueOn.GetValueOrDefault(link));
            lastDueOn[link] = at;
        }
        inFlight.Enqueue(new InFlightMessage(at, sequence, message), (at, sequence++));
    }
}

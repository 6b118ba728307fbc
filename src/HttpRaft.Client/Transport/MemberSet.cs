namespace HttpRaft.Client.Transport;

/// <summary>
/// The members the client knows and the leader it believes in. Starts from the configured endpoints, learns new
/// members from redirects, hints and the membership, forgets a leader that fails or is reported replaced, and forgets
/// a member once the client has removed it from the cluster. Thread-safe: many calls share one client.
/// </summary>
internal sealed class MemberSet
{
    private readonly Lock gate = new();
    private readonly List<Uri> members;
    // Member ids and the API addresses the membership gives them, as far as the client has seen it.
    private readonly Dictionary<int, Uri> ids = [];
    // The member reads go to, and writes go to while no leader is known; it stays put until that member fails.
    private int current;
    private Uri? leader;

    public MemberSet(IEnumerable<Uri> initial)
    {
        members = [.. initial.Distinct()];
        if (members.Count == 0) throw new ArgumentException("At least one member address is needed.", nameof(initial));
    }

    public Uri? Leader
    {
        get { lock (gate) return leader; }
    }

    public IReadOnlyList<Uri> All
    {
        get { lock (gate) return [.. members]; }
    }

    /// <summary>Where a call that must reach the leader goes: the cached leader, else the current member (which redirects).</summary>
    public Uri ForLeaderCall()
    {
        lock (gate) return leader ?? members[current];
    }

    /// <summary>Where a read goes: the current member, so a tail keeps one server while it answers.</summary>
    public Uri ForRead()
    {
        lock (gate) return members[current];
    }

    /// <summary>The leader is at <paramref name="address"/> (a redirect, a hint, or a transfer's answer).</summary>
    public void LeaderIs(Uri address)
    {
        lock (gate)
        {
            Add(address);
            leader = address;
        }
    }

    /// <summary>A member said it knows no leader, or named one the client cannot parse.</summary>
    public void LeaderUnknown()
    {
        lock (gate) leader = null;
    }

    /// <summary><paramref name="member"/> did not answer: stop sending there first.</summary>
    public void Failed(Uri member)
    {
        lock (gate)
        {
            if (leader == member) leader = null;
            if (members[current] == member) current = (current + 1) % members.Count;
        }
    }

    /// <summary>The membership says member <paramref name="id"/> is at <paramref name="address"/>: adds it, and remembers whose it is.</summary>
    public void Identify(int id, Uri address)
    {
        lock (gate)
        {
            Add(address);
            ids[id] = address;
        }
    }

    /// <summary>Member <paramref name="id"/>'s API address, if the client has seen it in the membership.</summary>
    public Uri? AddressOf(int id)
    {
        lock (gate) return ids.GetValueOrDefault(id);
    }

    /// <summary>
    /// Member <paramref name="id"/> left the cluster: stops sending there, since a removed node still answers reads
    /// from a log that no longer grows. The last member known is kept, so that there is always one to ask.
    /// </summary>
    public void Forget(int id)
    {
        lock (gate)
        {
            if (!ids.Remove(id, out var address)) return;
            if (leader == address) leader = null;
            var at = members.IndexOf(address);
            if (at < 0 || members.Count == 1) return;
            members.RemoveAt(at);
            // The current member stays current; if it was the one removed, the next one takes its place.
            if (current > at) current--;
            else if (current == members.Count) current = 0;
        }
    }

    private void Add(Uri address)
    {
        if (!members.Contains(address)) members.Add(address);
    }
}

namespace HttpRaft.Client.Transport;

/// <summary>
/// The members the client knows and the leader it believes in. Starts from the configured endpoints, learns new
/// members from redirects, hints and the membership, and forgets a leader that fails or is reported replaced.
/// Thread-safe: many calls share one client.
/// </summary>
internal sealed class MemberSet
{
    private readonly Lock gate = new();
    private readonly List<Uri> members;
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

    /// <summary>Adds a member found in the membership or a redirect; known ones are left as they are.</summary>
    public void Learn(Uri address)
    {
        lock (gate) Add(address);
    }

    private void Add(Uri address)
    {
        if (!members.Contains(address)) members.Add(address);
    }
}

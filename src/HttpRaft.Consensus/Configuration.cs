using System.Buffers.Binary;
using System.Text;

namespace HttpRaft.Consensus;

/// <summary>Whether a member votes and counts towards a commit, or only receives the log (dissertation §4.2.1).</summary>
public enum MemberRole : byte
{
    Voter = 0,
    Learner = 1,
}

/// <summary>
/// One member of a configuration: its id (never reused), its role, and an address the core carries for the host
/// without reading it. <see cref="PromoteWhenCaughtUp"/> marks a learner that asked to become a voter: any leader
/// promotes it once it has caught up, so the intent survives a change of leader.
/// </summary>
public sealed record ClusterMember(int Id, MemberRole Role, string Address, bool PromoteWhenCaughtUp = false)
{
    public bool IsVoter => Role == MemberRole.Voter;
}

/// <summary>
/// The cluster's membership at one point of the log: its members and the next id to assign. A configuration travels
/// as the data of a <see cref="EntryKind.Configuration"/> entry, and a node uses the latest one in its log, committed
/// or not (dissertation §4.1). Ids are assigned in increasing order and never reused, so a node whose id is below
/// <see cref="NextId"/> and that is not a member was removed.
/// </summary>
public sealed class Configuration
{
    private const byte FormatVersion = 1;
    private const int MaxMembers = 1024;
    private const int MaxAddressBytes = 1024;

    /// <summary>The most bytes <see cref="Encode"/> can produce: every member with the longest address, and room for the header.</summary>
    public const int MaxEncodedBytes = 64 + (MaxMembers * (MaxAddressBytes + 32));

    private readonly Dictionary<int, ClusterMember> byId;

    public Configuration(IEnumerable<ClusterMember> members, int nextId)
    {
        ArgumentNullException.ThrowIfNull(members);
        Members = [.. members.OrderBy(m => m.Id)];
        // Checked before the dictionary is built: ToDictionary would throw first, with .NET's message instead of ours.
        if (Members.DistinctBy(m => m.Id).Count() != Members.Count) throw new ArgumentException("A configuration lists each member once.", nameof(members));
        byId = Members.ToDictionary(m => m.Id);
        if (Members.Any(m => m.Id < 0 || m.Id >= nextId)) throw new ArgumentException($"Member ids must lie in [0, {nextId}).", nameof(members));
        NextId = nextId;
        Voters = [.. Members.Where(m => m.IsVoter).Select(m => m.Id)];
    }

    /// <summary>No members at all: what a node joining a running cluster knows before the log reaches it.</summary>
    public static Configuration Empty { get; } = new([], 0);

    /// <summary>The members, by id.</summary>
    public IReadOnlyList<ClusterMember> Members { get; }

    /// <summary>The ids of the voting members, in order.</summary>
    public IReadOnlyList<int> Voters { get; }

    /// <summary>The id the next member added gets.</summary>
    public int NextId { get; }

    /// <summary>A configuration of voters 0..n-1 with the given addresses (or none): how a cluster boots.</summary>
    public static Configuration Bootstrap(IReadOnlyList<int> voters, Func<int, string>? addressOf = null)
    {
        ArgumentNullException.ThrowIfNull(voters);
        var members = voters.Select(id => new ClusterMember(id, MemberRole.Voter, addressOf?.Invoke(id) ?? ""));
        return new Configuration(members, voters.Count == 0 ? 0 : voters.Max() + 1);
    }

    public bool Contains(int id) => byId.ContainsKey(id);

    public bool IsVoter(int id) => byId.TryGetValue(id, out var member) && member.IsVoter;

    public ClusterMember? Find(int id) => byId.GetValueOrDefault(id);

    /// <summary>True when <paramref name="id"/> was a member once and is not any more (ids are never reused).</summary>
    public bool Removed(int id) => id >= 0 && id < NextId && !Contains(id);

    /// <summary>This configuration with <paramref name="member"/> added or replaced.</summary>
    public Configuration With(ClusterMember member) =>
        new(Members.Where(m => m.Id != member.Id).Append(member), Math.Max(NextId, member.Id + 1));

    /// <summary>This configuration without member <paramref name="id"/>; its id stays used.</summary>
    public Configuration Without(int id) => new(Members.Where(m => m.Id != id), NextId);

    /// <summary>True when both list the same members with the same roles and addresses, and the same next id.</summary>
    public bool SameAs(Configuration other) => other is not null && NextId == other.NextId && Members.SequenceEqual(other.Members);

    public override string ToString() =>
        $"[{string.Join(", ", Members.Select(m => $"{m.Id}{(m.IsVoter ? "" : m.PromoteWhenCaughtUp ? " learner→voter" : " learner")}"))}] next id {NextId}";

    /// <summary>
    /// The entry data: <c>[version u8 = 1][next id i32][count i32]</c>, then per member <c>[id i32][role u8][flags u8]
    /// [address length u16][address UTF-8]</c>, little-endian.
    /// </summary>
    public byte[] Encode()
    {
        var addresses = Members.Select(m => Encoding.UTF8.GetBytes(m.Address)).ToArray();
        var data = new byte[1 + 4 + 4 + addresses.Sum(a => 4 + 1 + 1 + 2 + a.Length)];
        var span = data.AsSpan();
        span[0] = FormatVersion;
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], NextId);
        BinaryPrimitives.WriteInt32LittleEndian(span[5..], Members.Count);
        var at = 9;
        for (var i = 0; i < Members.Count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], Members[i].Id);
            span[at + 4] = (byte)Members[i].Role;
            span[at + 5] = Members[i].PromoteWhenCaughtUp ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteUInt16LittleEndian(span[(at + 6)..], (ushort)addresses[i].Length);
            addresses[i].CopyTo(span[(at + 8)..]);
            at += 8 + addresses[i].Length;
        }
        return data;
    }

    /// <summary>Decodes entry data written by <see cref="Encode"/>; null, with <paramref name="problem"/> set, when it is not one.</summary>
    public static Configuration? TryDecode(ReadOnlySpan<byte> data, out string? problem)
    {
        problem = null;
        try
        {
            return Decode(data);
        }
        catch (FormatException e)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>Decodes entry data written by <see cref="Encode"/>; throws <see cref="FormatException"/> for anything else.</summary>
    public static Configuration Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < 9 || data[0] != FormatVersion) throw new FormatException("not a version 1 configuration");
        var nextId = BinaryPrimitives.ReadInt32LittleEndian(data[1..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(data[5..]);
        if (count < 0 || count > MaxMembers) throw new FormatException($"{count} members");
        var members = new List<ClusterMember>(count);
        var at = 9;
        for (var i = 0; i < count; i++)
        {
            if (data.Length < at + 8) throw new FormatException("the configuration ends inside a member");
            var id = BinaryPrimitives.ReadInt32LittleEndian(data[at..]);
            var role = data[at + 4];
            var flags = data[at + 5];
            int length = BinaryPrimitives.ReadUInt16LittleEndian(data[(at + 6)..]);
            if (role > (byte)MemberRole.Learner || flags > 1) throw new FormatException($"member {id} has role {role} and flags {flags}");
            if (length > MaxAddressBytes || data.Length < at + 8 + length) throw new FormatException($"member {id}'s address does not fit");
            members.Add(new ClusterMember(id, (MemberRole)role, Encoding.UTF8.GetString(data.Slice(at + 8, length)), flags == 1));
            at += 8 + length;
        }
        if (at != data.Length) throw new FormatException($"{data.Length - at} bytes after the last member");
        try
        {
            return new Configuration(members, nextId);
        }
        catch (ArgumentException e)
        {
            throw new FormatException(e.Message, e);
        }
    }
}

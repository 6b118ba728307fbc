using System.Buffers.Binary;

namespace HttpRaft.Consensus.Tests;

/// <summary>
/// The configuration record's binary format: what Encode writes decodes to the same membership, up to the limits
/// inclusive, and any other bytes (a damaged entry, a hostile peer) are refused with a FormatException naming the problem.
/// </summary>
public sealed class ConfigurationFormatTests
{
    private const int MaxMembers = 1024;
    private const int MaxAddressBytes = 1024;

    [Fact]
    public void A_configuration_decodes_to_the_members_roles_addresses_and_next_id_it_was_encoded_from()
    {
        var configuration = new Configuration(
            [
                new ClusterMember(0, MemberRole.Voter, "http://a:5000"),
                new ClusterMember(2, MemberRole.Learner, "http://ü:5000", PromoteWhenCaughtUp: true),
                new ClusterMember(3, MemberRole.Learner, ""),
            ],
            nextId: 7);

        Assert.True(configuration.SameAs(Configuration.Decode(configuration.Encode())));
    }

    [Fact]
    public void A_configuration_with_no_members_is_just_the_header_and_decodes()
    {
        // What a joining node starts from; nine bytes is the shortest valid record.
        var encoded = Configuration.Empty.Encode();

        Assert.Equal(9, encoded.Length);
        Assert.True(Configuration.Empty.SameAs(Configuration.Decode(encoded)));
    }

    [Fact]
    public void The_largest_configuration_decodes_every_member_with_the_longest_address()
    {
        // Both limits are inclusive: the most members, each with the longest address, is still a configuration.
        var address = new string('a', MaxAddressBytes);
        var configuration = new Configuration(Enumerable.Range(0, MaxMembers).Select(id => new ClusterMember(id, MemberRole.Voter, address)), MaxMembers);

        var encoded = configuration.Encode();

        Assert.InRange(encoded.Length, 0, Configuration.MaxEncodedBytes);
        Assert.True(configuration.SameAs(Configuration.Decode(encoded)));
    }

    [Theory]
    [InlineData("shorter than the header", "not a version 1 configuration")]
    [InlineData("another format version", "not a version 1 configuration")]
    [InlineData("a negative member count", "-1 members")]
    [InlineData("more members than allowed", "1025 members")]
    [InlineData("a member cut short", "the configuration ends inside a member")]
    [InlineData("an unknown role", "member 7 has role 2 and flags 0")]
    [InlineData("unknown flags", "member 7 has role 1 and flags 2")]
    [InlineData("an address longer than allowed", "member 7's address does not fit")]
    [InlineData("an address running past the end", "member 7's address does not fit")]
    [InlineData("bytes after the last member", "2 bytes after the last member")]
    [InlineData("a member id at the next id", "Member ids must lie in [0, 7). (Parameter 'members')")]
    [InlineData("a negative member id", "Member ids must lie in [0, 7). (Parameter 'members')")]
    public void A_record_Encode_did_not_write_is_refused_with_a_format_error_naming_the_problem(string damage, string problem)
    {
        var data = Hostile(damage);

        var refused = Assert.Throws<FormatException>(() => Configuration.Decode(data));
        Assert.Equal(problem, refused.Message);
        // TryDecode reports the same problem instead of throwing: how the log and snapshots check what they receive.
        Assert.Null(Configuration.TryDecode(data, out var reported));
        Assert.Equal(problem, reported);
    }

    /// <summary>A record with one thing wrong: the header claims member ids below 7.</summary>
    private static byte[] Hostile(string damage) => damage switch
    {
        "shorter than the header" => Record(count: 0)[..8],
        "another format version" => [2, .. Record(count: 0)[1..]],
        "a negative member count" => Record(count: -1),
        "more members than allowed" => Record(count: MaxMembers + 1),
        "a member cut short" => [.. Record(count: 1), .. Member(7, role: 0, flags: 0, "")[..5]],
        "an unknown role" => [.. Record(count: 1), .. Member(7, role: 2, flags: 0, "")],
        "unknown flags" => [.. Record(count: 1), .. Member(7, role: 1, flags: 2, "")],
        "an address longer than allowed" => [.. Record(count: 1), .. Member(7, role: 0, flags: 0, new string('a', MaxAddressBytes + 1))],
        "an address running past the end" => [.. Record(count: 1), .. Member(7, role: 0, flags: 0, "abc")[..^1]],
        "bytes after the last member" => [.. Record(count: 1), .. Member(3, role: 0, flags: 0, "abc"), 0, 0],
        "a member id at the next id" => [.. Record(count: 2), .. Member(3, role: 0, flags: 0, ""), .. Member(7, role: 0, flags: 0, "")],
        "a negative member id" => [.. Record(count: 1), .. Member(-1, role: 0, flags: 0, "")],
        _ => throw new ArgumentOutOfRangeException(nameof(damage), damage, null),
    };

    /// <summary>The header: <c>[version 1][next id 7][count]</c>.</summary>
    private static byte[] Record(int count)
    {
        var header = new byte[9];
        header[0] = 1;
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(1), 7);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(5), count);
        return header;
    }

    /// <summary>One member: <c>[id][role][flags][address length][address]</c>.</summary>
    private static byte[] Member(int id, byte role, byte flags, string address)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(address);
        var member = new byte[8 + bytes.Length];
        BinaryPrimitives.WriteInt32LittleEndian(member, id);
        member[4] = role;
        member[5] = flags;
        BinaryPrimitives.WriteUInt16LittleEndian(member.AsSpan(6), (ushort)bytes.Length);
        bytes.CopyTo(member, 8);
        return member;
    }
}

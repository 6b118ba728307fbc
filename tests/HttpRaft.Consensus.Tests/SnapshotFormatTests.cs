using System.Buffers.Binary;

namespace HttpRaft.Consensus.Tests;

/// <summary>
/// A snapshot's data (Raft §7): the configuration in force at its index, then the host's bytes. Data that Create did
/// not write is reported as a problem, never thrown, so a follower refuses it before it reaches the log.
/// </summary>
public sealed class SnapshotFormatTests
{
    private static readonly Configuration Members = new([new(0, MemberRole.Voter, "a"), new(1, MemberRole.Learner, "b")], nextId: 2);

    [Fact]
    public void A_snapshot_holds_the_configuration_and_the_hosts_data_it_was_created_with()
    {
        var snapshot = Snapshot.Create(9, 2, Members, "table"u8);

        Assert.Null(snapshot.Problem());
        Assert.True(Members.SameAs(snapshot.Configuration));
        Assert.Equal("table"u8.ToArray(), snapshot.HostData.ToArray());
    }

    [Fact]
    public void A_snapshot_is_created_with_a_configuration_that_must_be_given()
    {
        var refused = Assert.Throws<ArgumentNullException>(() => Snapshot.Create(9, 2, null!, []));

        Assert.Equal("configuration", refused.ParamName);
    }

    [Theory]
    [InlineData("shorter than the configuration's length", "the snapshot's data does not hold a configuration")]
    [InlineData("a negative configuration length", "the snapshot's data does not hold a configuration")]
    [InlineData("a configuration length one past the end", "the snapshot's data does not hold a configuration")]
    [InlineData("an empty configuration", "not a version 1 configuration")]
    [InlineData("a damaged configuration", "member 0 has role 9 and flags 0")]
    public void A_snapshot_whose_data_Create_did_not_write_names_the_problem_without_throwing(string damage, string problem)
    {
        var snapshot = Damaged(damage);

        Assert.Equal(problem, snapshot.Problem());
    }

    [Theory]
    [InlineData("index")]
    [InlineData("term")]
    [InlineData("data")]
    public void Two_snapshots_are_the_same_only_with_the_same_index_term_and_bytes(string difference)
    {
        var snapshot = Snapshot.Create(9, 2, Members, "table"u8);
        var other = difference switch
        {
            "index" => snapshot with { Index = 10 },
            "term" => snapshot with { Term = 3 },
            "data" => Snapshot.Create(9, 2, Members, "tablf"u8),
            _ => throw new ArgumentOutOfRangeException(nameof(difference), difference, null),
        };

        Assert.False(snapshot.SameAs(other));
        Assert.False(other.SameAs(snapshot));
        Assert.False(snapshot.SameAs(null));
        Assert.True(snapshot.SameAs(Snapshot.Create(9, 2, Members, "table"u8)));
    }

    /// <summary>A snapshot at index 9 whose data has one thing wrong.</summary>
    private static Snapshot Damaged(string damage)
    {
        var data = Snapshot.Create(9, 2, Members, "table"u8).Data.ToArray();
        switch (damage)
        {
            case "shorter than the configuration's length":
                data = data[..2];
                break;
            case "a negative configuration length":
                BinaryPrimitives.WriteInt32LittleEndian(data, -1);
                break;
            case "a configuration length one past the end":
                BinaryPrimitives.WriteInt32LittleEndian(data, data.Length - 4 + 1);
                break;
            case "an empty configuration":
                data = new byte[4];
                break;
            case "a damaged configuration":
                data[4 + 9 + 4] = 9; // the first member's role, after the length and the configuration's header
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(damage), damage, null);
        }
        return new Snapshot(9, 2, data);
    }
}

namespace HttpRaft.Consensus.Tests;

/// <summary>
/// A configuration's rules (dissertation §4.1): each member listed once with an id in [0, NextId), ids never reused,
/// so an id below NextId that is absent belongs to a removed member; and how a configuration reads in the host's log.
/// </summary>
public sealed class ConfigurationTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(5)]
    [InlineData(6)]
    public void A_member_id_outside_zero_to_the_next_id_is_refused(int id)
    {
        // NextId is the id the next member gets: an id at or past it was never assigned, and a negative one never is.
        var refused = Assert.Throws<ArgumentException>(() => new Configuration([Voter(0), Voter(id)], nextId: 5));

        Assert.Equal("members", refused.ParamName);
        Assert.StartsWith("Member ids must lie in [0, 5).", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configuration_lists_each_member_once()
    {
        var refused = Assert.Throws<ArgumentException>(() => new Configuration([Voter(1), Learner(1)], nextId: 2));
        Assert.StartsWith("A configuration lists each member once.", refused.Message, StringComparison.Ordinal);
        Assert.Equal("members", refused.ParamName);
    }

    [Fact]
    public void A_configuration_is_built_from_a_list_of_members_that_must_be_given()
    {
        // The argument is named, not a LINQ call's "source" deep inside.
        Assert.Equal("members", Assert.Throws<ArgumentNullException>(() => new Configuration(null!, 1)).ParamName);
        Assert.Equal("voters", Assert.Throws<ArgumentNullException>(() => Configuration.Bootstrap(null!)).ParamName);
    }

    [Fact]
    public void A_bootstrap_configuration_holds_the_given_voters_at_their_addresses_and_next_assigns_the_id_after_the_highest()
    {
        var configuration = Configuration.Bootstrap([0, 1, 2], id => $"http://node-{id}:5000");

        Assert.Equal([0, 1, 2], configuration.Voters);
        Assert.Equal(["http://node-0:5000", "http://node-1:5000", "http://node-2:5000"], configuration.Members.Select(m => m.Address));
        Assert.Equal(3, configuration.NextId);
        // Without addresses (the core's tests and the simulation) every address is empty, never null.
        Assert.All(Configuration.Bootstrap([0, 1]).Members, m => Assert.Equal("", m.Address));
    }

    [Fact]
    public void An_id_once_assigned_and_now_absent_was_removed_and_an_id_never_assigned_was_not()
    {
        // Ids are never reused, so absence below NextId means removal: a removed node must not come back (§4.2.3).
        var configuration = Configuration.Bootstrap([0, 1, 2]).Without(0).Without(2);

        Assert.True(configuration.Removed(0));
        Assert.True(configuration.Removed(2));
        Assert.False(configuration.Removed(1)); // still a member
        Assert.False(configuration.Removed(3)); // not assigned yet: a node about to join
        Assert.False(configuration.Removed(RaftNode.None));
    }

    [Fact]
    public void Two_configurations_are_the_same_only_with_the_same_members_roles_and_next_id()
    {
        var configuration = Configuration.Bootstrap([0, 1, 2]);

        Assert.True(configuration.SameAs(Configuration.Bootstrap([0, 1, 2])));
        Assert.False(configuration.SameAs(new Configuration(configuration.Members, nextId: 4))); // member 3 came and went
        Assert.False(configuration.SameAs(configuration.Without(2)));
        Assert.False(configuration.SameAs(configuration.With(Learner(2))));
        Assert.False(configuration.SameAs(null!));
    }

    [Fact]
    public void A_configuration_reads_as_its_members_by_id_with_each_learners_role_then_the_next_id()
    {
        // The host logs the membership in force with this text; an operator tells a learner waiting for promotion apart.
        var configuration = new Configuration([Learner(4, promote: true), Voter(0), Learner(2)], nextId: 6);

        Assert.Equal("[0, 2 learner, 4 learner→voter] next id 6", configuration.ToString());
        Assert.Equal("[] next id 0", Configuration.Empty.ToString());
    }

    private static ClusterMember Voter(int id) => new(id, MemberRole.Voter, "");

    private static ClusterMember Learner(int id, bool promote = false) => new(id, MemberRole.Learner, "", promote);
}

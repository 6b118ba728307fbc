using System.Text.Json.Serialization;

namespace HttpRaft.Client;

/// <summary>How fresh a read must be (the <c>consistency</c> query parameter).</summary>
public enum ReadConsistency
{
    /// <summary>What the member that answers has committed; no round trip, may trail the leader.</summary>
    [JsonStringEnumMemberName("local")]
    Local,

    /// <summary>Reflects every append acknowledged before the read started, on whichever member answers.</summary>
    [JsonStringEnumMemberName("linearizable")]
    Linearizable,
}

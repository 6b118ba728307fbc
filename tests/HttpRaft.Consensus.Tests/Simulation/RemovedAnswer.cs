using HttpRaft.Consensus;

namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>
/// The real host's HTTP 410: node <see cref="Message.From"/> dropped a message from <see cref="Message.To"/> because
/// its configuration says that sender was removed. It travels back like any message (a lost answer is lost, and the
/// next message is refused again); on arrival the sender's host calls <see cref="RaftNode.ReportRemoved"/>. It never
/// reaches a core's <see cref="RaftNode.Step"/>.
/// </summary>
internal sealed record RemovedAnswer(int From, int To) : Message(From, To, 0);

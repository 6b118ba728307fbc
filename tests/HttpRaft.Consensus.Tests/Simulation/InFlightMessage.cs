using HttpRaft.Consensus;

namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>A message on the simulated wire, due at a point of simulated time.</summary>
internal readonly record struct InFlightMessage(long DeliverAt, long Sequence, Message Message);

namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>A safety or liveness property the simulation found broken, with where it happened.</summary>
public sealed class SimulationFailureException(string message) : Exception(message);

namespace HttpRaft.Client;

/// <summary>One committed entry of the log.</summary>
/// <param name="Index">Its log index. Indexes grow but may skip: each new leader's internal no-op takes one and is never shown.</param>
/// <param name="Term">The term it was appended in.</param>
/// <param name="Entry">Its text.</param>
public sealed record LogEntry(long Index, long Term, string Entry);

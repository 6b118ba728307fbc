namespace HttpRaft.Tool;

/// <summary>A command line that parses but makes no sense (say, entries and --file together); exits with <see cref="ExitCodes.Usage"/>.</summary>
internal sealed class UsageException(string message) : Exception(message);

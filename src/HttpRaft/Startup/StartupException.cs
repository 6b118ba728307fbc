namespace HttpRaft.Startup;

/// <summary>A configuration problem found before the node starts; its message is the one line the user sees.</summary>
internal sealed class StartupException(string message) : Exception(message);

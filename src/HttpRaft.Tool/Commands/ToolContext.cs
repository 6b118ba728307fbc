using System.CommandLine;
using HttpRaft.Client;
using HttpRaft.Tool.Output;

namespace HttpRaft.Tool.Commands;

/// <summary>What a command runs with: the client, the parsed command line, and where to write.</summary>
internal sealed record ToolContext(HttpRaftClient Client, ParseResult Parsed, Printer Print);

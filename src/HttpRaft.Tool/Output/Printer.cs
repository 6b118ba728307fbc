using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using HttpRaft.Client;

namespace HttpRaft.Tool.Output;

/// <summary>Writes results as a table (for people) or as JSON (for scripts), to the command's output.</summary>
internal sealed class Printer(TextWriter output, TextWriter error, bool json)
{
    public bool Json => json;

    public TextWriter Error => error;

    /// <summary>One JSON document on one line, so that <c>tail -f -o json</c> is a stream of lines.</summary>
    public Task JsonAsync<T>(T value, JsonTypeInfo<T> type) => output.WriteLineAsync(JsonSerializer.Serialize(value, type));

    public Task LineAsync(string line) => output.WriteLineAsync(line);

    public Task TableAsync(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows) => output.WriteAsync(Table.Render(headers, rows));

    public Task EntriesAsync(IEnumerable<LogEntry> entries) => TableAsync(EntryHeaders, entries.Select(EntryRow));

    public static readonly string[] EntryHeaders = ["INDEX", "TERM", "ENTRY"];

    public static string[] EntryRow(LogEntry e) => [Text(e.Index), Text(e.Term), e.Entry];

    public static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Text(long? value) => value is { } v ? Text(v) : "-";
}

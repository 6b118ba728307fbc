using Xunit.Sdk;

namespace HttpRaft.EndToEnd.Tests;

/// <summary>
/// Writes a measurement where every run shows it: as an xunit diagnostic message (in <c>dotnet test</c>'s
/// console output at normal verbosity) as well as in the test's own output.
/// </summary>
public sealed class Report(IMessageSink diagnostics)
{
    public void Line(ITestOutputHelper output, string line)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(line);
        diagnostics.OnMessage(new DiagnosticMessage(line));
    }
}

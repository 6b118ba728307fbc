using System.Text;

namespace HttpRaft.Tests.Security;

/// <summary>
/// Captures what the process writes to stdout while it is held (Serilog's console sink looks the writer up per
/// event), so a test can read the nodes' logs. Tests in this assembly run one at a time, so nothing else interleaves.
/// </summary>
internal sealed class ConsoleCapture : IDisposable
{
    private readonly TextWriter original = Console.Out;
    private readonly StringWriter captured = new(new StringBuilder());
    private readonly TextWriter synchronized;

    public ConsoleCapture()
    {
        synchronized = TextWriter.Synchronized(captured);
        Console.SetOut(synchronized);
    }

    public string Text
    {
        get
        {
            synchronized.Flush();
            lock (synchronized) return captured.ToString();
        }
    }

    public void Dispose()
    {
        Console.SetOut(original);
        captured.Dispose();
    }
}

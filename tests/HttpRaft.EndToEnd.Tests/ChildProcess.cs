using System.Globalization;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace HttpRaft.EndToEnd.Tests;

/// <summary>
/// A process the tests started, with its standard output and error captured line by line. Disposing it
/// kills it (and anything it started) if it still runs, so no test leaves a process behind.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int KeptLines = 2000;
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();
    private readonly ConcurrentQueue<string> errors = new();

    private ChildProcess(Process process, string name)
    {
        this.process = process;
        Name = name;
    }

    /// <summary>A short name for messages, e.g. "node 1" or "newman".</summary>
    public string Name { get; }

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>The last lines written to standard error, in order.</summary>
    public IReadOnlyList<string> StandardError => [.. errors];

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>, with <paramref name="environment"/> added.</summary>
    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        // Nothing from the test host's environment may choose the node's addresses or environment for it.
        foreach (var variable in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT" })
        {
            startInfo.Environment.Remove(variable);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) startInfo.Environment[key] = value;
        var process = new Process { StartInfo = startInfo };
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) => Keep(child.output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(child.errors, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for the process to exit and its output to be read; fails the test after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            Assert.Fail($"{Name} did not exit within {timeout.TotalSeconds:0} s.\n{Transcript()}");
        }
        return process.ExitCode;
    }

    /// <summary>Kills the process and its children at once (no graceful shutdown: a crash).</summary>
    public void Kill()
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited in the meantime.
        }
    }

    /// <summary>Asks the process to stop as an operator or a container runtime does (SIGTERM): a node shuts down gracefully.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>
    /// Sends the signal <paramref name="name"/> (<c>TERM</c>, <c>STOP</c>, <c>CONT</c>) with <c>kill</c>: STOP freezes the
    /// process as a GC pause or a VM freeze would, with its sockets open, until CONT.
    /// </summary>
    public void Signal(string name)
    {
        if (process.HasExited) return;
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{name}", process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("Could not run kill.");
        kill.WaitForExit();
    }

    /// <summary>Everything captured, standard output then standard error, for a failure message.</summary>
    public string Transcript()
    {
        var text = new StringBuilder();
        text.Append("----- ").Append(Name).AppendLine(" stdout -----");
        foreach (var line in output) text.AppendLine(line);
        text.Append("----- ").Append(Name).AppendLine(" stderr -----");
        foreach (var line in errors) text.AppendLine(line);
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            // Killed but not reaped in time; nothing more to do.
        }
        process.Dispose();
    }

    private static void Keep(ConcurrentQueue<string> lines, string? line)
    {
        if (line is null) return;
        lines.Enqueue(line);
        while (lines.Count > KeptLines) lines.TryDequeue(out _);
    }
}

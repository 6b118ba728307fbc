using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace HttpRaft.Client.Tests.Tool;

/// <summary>What a finished run of the tool printed and returned.</summary>
internal sealed record ToolRun(int ExitCode, string Output, string Error)
{
    public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Output}--- stderr ---\n{Error}";
}

/// <summary>
/// Runs the built tool (HttpRaft.Tool.dll) as a separate process, as a user runs it, with stdin given or closed. Disposing a
/// still-running one (tail -f) kills it.
/// </summary>
internal sealed class ToolProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly StringBuilder error = new();

    private ToolProcess(Process process) => this.process = process;

    /// <summary>The tool's build output, recorded at build time from src/HttpRaft.Tool's TargetPath.</summary>
    public static string ToolDll { get; } = typeof(ToolProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "HttpRaftToolDll").Value!;

    /// <summary>Everything written to stdout so far.</summary>
    public string Output
    {
        get { lock (output) return output.ToString(); }
    }

    public static ToolProcess Start(IEnumerable<string> arguments, string? stdin = null)
    {
        Assert.True(File.Exists(ToolDll), $"HttpRaft.Tool.dll is not built at {ToolDll}: run dotnet build HttpRaft.sln");
        var start = new ProcessStartInfo(DotnetHost, [ToolDll, .. arguments])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        // The tests choose the endpoints and key on the command line; nothing from the environment may.
        start.Environment.Remove("HTTPRAFT_ENDPOINTS");
        start.Environment.Remove("HTTPRAFT_API_KEY");
        var tool = new ToolProcess(new Process { StartInfo = start });
        tool.process.OutputDataReceived += (_, e) => Append(tool.output, e.Data);
        tool.process.ErrorDataReceived += (_, e) => Append(tool.error, e.Data);
        tool.process.Start();
        tool.process.BeginOutputReadLine();
        tool.process.BeginErrorReadLine();
        if (stdin is not null) tool.process.StandardInput.Write(stdin);
        tool.process.StandardInput.Close();
        return tool;
    }

    /// <summary>Runs the tool to its end; fails the test if it takes longer than <paramref name="timeout"/> (default 60 s).</summary>
    public static async Task<ToolRun> RunAsync(IEnumerable<string> arguments, string? stdin = null, TimeSpan? timeout = null)
    {
        await using var tool = Start(arguments, stdin);
        return await tool.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
    }

    public async Task<ToolRun> WaitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"httpraft did not exit within {timeout.TotalSeconds:0} s.\n{Snapshot(-1)}");
        }
        return Snapshot(process.ExitCode);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }

    private ToolRun Snapshot(int exitCode)
    {
        lock (output)
        lock (error)
        {
            return new ToolRun(exitCode, output.ToString(), error.ToString());
        }
    }

    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static void Append(StringBuilder text, string? line)
    {
        if (line is null) return;
        lock (text) text.Append(line).Append('\n');
    }
}

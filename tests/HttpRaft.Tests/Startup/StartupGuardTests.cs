using System.Net;
using System.Net.Sockets;
using HttpRaft.AspNetCore;
using HttpRaft.Consensus;
using HttpRaft.Startup;
using HttpRaft.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HttpRaft.Tests.Startup;

/// <summary>Configuration errors end the program with one line on stderr and exit code 2; anything else is not hidden.</summary>
public sealed class StartupGuardTests
{
    [Fact]
    public async Task A_configuration_error_is_one_line_on_stderr_and_exit_code_2()
    {
        var (exitCode, stderr) = await RunAsync(_ => throw new OptionsValidationException("HttpRaft", typeof(RaftHostOptions), ["node id 7 is out of range"]));

        Assert.Equal(2, exitCode);
        Assert.Equal("HttpRaft: invalid configuration: node id 7 is out of range" + Environment.NewLine, stderr);
    }

    [Fact]
    public async Task A_log_shorter_than_its_commit_index_refuses_to_start_with_one_line()
    {
        // What cutting whole records out of a closed segment leaves: every checksum good, committed entries gone.
        // Storage refuses to open it (see the storage tests); here, that the refusal is one line and exit code 2.
        var directory = Directory.CreateTempSubdirectory("httpraft-guard-").FullName;
        try
        {
            using (var storage = new FileRaftStorage(new StorageOptions { Directory = directory }))
            {
                storage.Save(new HardState(2, 0, 28), [Entry.Normal(1, 1, "x"u8.ToArray())], sync: true);
            }

            var (exitCode, stderr) = await RunAsync(_ =>
            {
                using var reopened = new FileRaftStorage(new StorageOptions { Directory = directory });
                return Task.CompletedTask;
            });

            Assert.Equal(2, exitCode);
            Assert.Equal(
                $"HttpRaft: corrupted log: {directory} at offset 0: the log ends at entry 1 but its saved commit index is 28: committed entries are missing" + Environment.NewLine,
                stderr);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_data_directory_in_an_unknown_format_version_is_a_configuration_error()
    {
        var newer = new StorageFormatException("/data/wal-0000000000000009.seg", 3, [1, 2]);

        Assert.Equal(
            "unsupported storage format: /data/wal-0000000000000009.seg is format version 3; this release reads format versions 1 and 2 (a newer release wrote it?)",
            StartupGuard.Describe(newer));
    }

    [Fact]
    public async Task A_bad_command_line_is_a_configuration_error()
    {
        var (exitCode, stderr) = await RunAsync(_ => Task.CompletedTask, "not-a-number");

        Assert.Equal(2, exitCode);
        Assert.Single(stderr.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Other_failures_are_not_disguised_as_configuration_errors()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => StartupGuard.RunAsync([], _ => throw new InvalidOperationException("a bug")));
    }

    [Fact]
    public void Storage_errors_at_start_up_are_configuration_errors()
    {
        var corrupted = new HttpRaft.Storage.StorageCorruptedException("/data/wal-0000000000000001.seg", 123, "checksum mismatch");
        Assert.Equal("corrupted log: /data/wal-0000000000000001.seg at offset 123: checksum mismatch", StartupGuard.Describe(corrupted));
        var locked = new HttpRaft.Storage.DataDirectoryLockedException("data directory /data is in use");
        Assert.Equal("data directory /data is in use", StartupGuard.Describe(locked));
    }

    [Fact]
    public void A_port_in_use_is_found_before_the_host_starts()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var options = Options.Create(new RaftHostOptions { NodeId = 0, Peers = [$"127.0.0.1:{port}"], Apis = ["127.0.0.1:1"] });
        using var services = new ServiceCollection().AddSingleton(options).BuildServiceProvider();

        var error = Assert.Throws<StartupException>(() => StartupGuard.CheckBeforeStart(services));

        Assert.Contains($"{port}", error.Message, StringComparison.Ordinal);
        Assert.Equal(error.Message, StartupGuard.Describe(error));
    }

    private static async Task<(int ExitCode, string Stderr)> RunAsync(Func<CommandLine, Task> run, params string[] args)
    {
        var original = Console.Error;
        using var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            return (await StartupGuard.RunAsync(args, run), captured.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }
}

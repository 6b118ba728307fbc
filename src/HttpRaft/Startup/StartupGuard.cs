using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using HttpRaft.AspNetCore;
using HttpRaft.Api;
using HttpRaft.AspNetCore.Security;
using HttpRaft.Security;
using HttpRaft.Storage;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace HttpRaft.Startup;

/// <summary>
/// Turns configuration problems into one line on stderr and exit code 2 (docs/design.md §2), and checks what can be
/// checked before the host starts, so that no stack trace or half-started host is the user's first sight.
/// </summary>
internal static class StartupGuard
{
    public const int ConfigurationError = 2;

    /// <summary>Runs <paramref name="run"/>; a configuration error ends it with one line and exit code 2.</summary>
    public static async Task<int> RunAsync(string[] args, Func<CommandLine, Task> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            await run(CommandLine.Parse(args)).ConfigureAwait(false);
            return 0;
        }
        catch (Exception e) when (Describe(e) is { } problem)
        {
            await Console.Error.WriteLineAsync($"HttpRaft: {problem}").ConfigureAwait(false);
            return ConfigurationError;
        }
    }

    /// <summary>Validates the options and probes both ports, before the host starts and begins logging.</summary>
    public static void CheckBeforeStart(IServiceProvider services)
    {
        var settings = services.GetRequiredService<IOptions<RaftHostOptions>>().Value;
        _ = services.GetService<IOptions<ClientApiOptions>>()?.Value;
        _ = services.GetService<IOptions<ReadOptions>>()?.Value;
        EnsureFree("peer", settings.PeerListenAddress);
        EnsureFree("API", settings.ApiAddress);
        CheckCertificates(settings);
        // Opens, locks and recovers the log now (storage checks it, committed prefix included), so a locked, corrupted
        // or newer-format data directory is a one-line error.
        _ = services.GetRequiredService<IRaftStorage>();
    }

    /// <summary>The one line for a configuration error, or null for anything else (which keeps its stack trace).</summary>
    internal static string? Describe(Exception e) => e switch
    {
        StartupException => e.Message,
        StorageCorruptedException or DataDirectoryLockedException or StorageFormatException => e.Message,
        UnauthorizedAccessException => $"cannot use the data directory: {e.Message}",
        OptionsValidationException v => $"invalid configuration: {string.Join("; ", v.Failures)}",
        IOException { InnerException: AddressInUseException } => e.Message,
        CryptographicException => $"cannot load a TLS certificate (tls.certificate, tls.certificatePassword, tls.certificateKey, tls.caCertificate): {e.Message}",
        _ => null,
    };

    /// <summary>Loads the TLS files now: a wrong password or a damaged file is a one-line error, not a failure at the first connection.</summary>
    private static void CheckCertificates(RaftHostOptions settings)
    {
        if (settings.PeerAddress.Https || settings.ApiAddress.Https) RaftCertificates.LoadServerCertificate(settings.Tls).Dispose();
        _ = RaftCertificates.PeerClientOptions(settings.Tls);
    }

    /// <summary>Throws a <see cref="StartupException"/> naming <paramref name="role"/> if another socket holds <paramref name="address"/>'s port.</summary>
    internal static void EnsureFree(string role, NodeAddress address)
    {
        // The same interface Kestrel will bind (see RaftKestrelExtensions): loopback, the given IP, or all.
        var ip = string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(address.Host.Trim('[', ']'), out var parsed) ? parsed
            : IPAddress.Any;
        try
        {
            using var probe = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(ip, address.Port));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new StartupException($"the {role} address {address} is already in use (is another node running?)");
        }
    }
}

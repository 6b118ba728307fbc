using Microsoft.Extensions.Options;
using HttpRaft.Client.Transport;

namespace HttpRaft.Client;

/// <summary>Checks <see cref="HttpRaftClientOptions"/>, naming every bad setting in one message.</summary>
internal sealed class HttpRaftClientOptionsValidator : IValidateOptions<HttpRaftClientOptions>
{
    /// <summary>The server refuses a longer <c>wait</c> with 400.</summary>
    public static readonly TimeSpan MaxLongPollWait = TimeSpan.FromMilliseconds(60_000);

    public ValidateOptionsResult Validate(string? name, HttpRaftClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Endpoints.Count == 0) failures.Add("Endpoints must name at least one member's API address (host:port).");
        foreach (var endpoint in options.Endpoints)
        {
            if (!MemberAddress.TryParse(endpoint, out _)) failures.Add($"Endpoints: '{endpoint}' is not a host:port or an http(s)://host:port address.");
        }
        if (options.ApiKey is { } key && (key.Length == 0 || key.Any(c => c is < '!' or > '~'))) failures.Add("ApiKey must be visible ASCII characters without spaces, or null.");
        Positive(failures, nameof(options.RequestTimeout), options.RequestTimeout);
        Positive(failures, nameof(options.AppendDeadline), options.AppendDeadline);
        Positive(failures, nameof(options.OperationDeadline), options.OperationDeadline);
        Positive(failures, nameof(options.InitialBackoff), options.InitialBackoff);
        Positive(failures, nameof(options.MaxRetryAfter), options.MaxRetryAfter);
        if (options.LongPollWait <= TimeSpan.Zero || options.LongPollWait > MaxLongPollWait) failures.Add($"LongPollWait must be more than 0 and at most {MaxLongPollWait.TotalSeconds:0} s, was {options.LongPollWait}.");
        if (options.MaxBackoff < options.InitialBackoff) failures.Add($"MaxBackoff ({options.MaxBackoff}) must be at least InitialBackoff ({options.InitialBackoff}).");
        if (options.PageSize < 1) failures.Add($"PageSize must be at least 1, was {options.PageSize}.");
        if (options.MaxRedirects < 1) failures.Add($"MaxRedirects must be at least 1, was {options.MaxRedirects}.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero) failures.Add($"{name} must be more than 0, was {value}.");
    }
}

using System.Net;
using Microsoft.Extensions.Logging;

namespace HttpRaft.Client.Transport;

/// <summary>The client's log messages, source-generated.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "HttpRaft {What}: following a redirect from {From} to the leader at {Leader}")]
    public static partial void Redirected(ILogger logger, string what, Uri from, Uri leader);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "HttpRaft {What}: {Member} answered {Status}; retrying in {DelayMs} ms")]
    public static partial void RetryingAfterStatus(ILogger logger, string what, Uri member, HttpStatusCode status, long delayMs);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "HttpRaft {What}: {Member} failed ({Reason}); retrying in {DelayMs} ms")]
    public static partial void RetryingAfterFailure(ILogger logger, string what, Uri member, string reason, long delayMs);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "HttpRaft {What}: gave up after {Attempts} attempts")]
    public static partial void GaveUp(ILogger logger, string what, int attempts);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "HttpRaft client: backoff jitter seeded with {Seed}")]
    public static partial void Seeded(ILogger logger, int seed);
}

namespace HttpRaft.Tool;

/// <summary>What <c>httpraft</c>'s exit code says, for scripts.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>The cluster refused the request (a 4xx problem: bad input, conflict, missing key or scope).</summary>
    public const int Refused = 1;

    /// <summary>The command line was wrong.</summary>
    public const int Usage = 2;

    /// <summary>No member answered, or none could do it before the deadline; an append's outcome is unknown.</summary>
    public const int Unavailable = 3;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Interrupted = 130;
}

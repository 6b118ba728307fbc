using System.Net;

namespace HttpRaft.Client;

/// <summary>A call to the cluster failed. The derived types say how; this one is the base to catch them all.</summary>
public class HttpRaftException : Exception
{
    /// <summary>A failure described by <paramref name="message"/>.</summary>
    public HttpRaftException(string message)
        : base(message)
    {
    }

    /// <summary>A failure described by <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public HttpRaftException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A failure described by <paramref name="message"/> with the status the server answered, if any.</summary>
    public HttpRaftException(string message, HttpStatusCode? statusCode, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status of the answer that ended the call, or null when no answer came (a connection failure or timeout).</summary>
    public HttpStatusCode? StatusCode { get; }
}

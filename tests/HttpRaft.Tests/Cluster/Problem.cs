using System.Net;
using System.Net.Http.Json;

namespace HttpRaft.Tests.Cluster;

/// <summary>Asserts that a response is an RFC 7807 problem, as every 4xx of a node must be.</summary>
internal static class Problem
{
    /// <summary>The response has status <paramref name="expected"/>, the problem media type, and the same status in its body.</summary>
    public static async Task AssertAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemJson>();
        Assert.Equal((int)expected, problem!.Status);
    }
}

/// <summary>The fields of an RFC 7807 problem the tests look at.</summary>
internal sealed record ProblemJson(int Status, string? Title, string? Detail);

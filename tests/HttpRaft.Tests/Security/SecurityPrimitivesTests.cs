using HttpRaft.AspNetCore.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace HttpRaft.Tests.Security;

/// <summary>The small pieces the schemes are built from: the secret comparison, the header parser, the log throttle.</summary>
public sealed class SecurityPrimitivesTests
{
    [Theory]
    [InlineData("the-configured-secret", true)]
    [InlineData("the-configured-secreT", false)]
    [InlineData("the-configured-secret ", false)]
    [InlineData("the-configured", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_digest_matches_only_the_exact_secret(string? presented, bool matches)
    {
        var digest = new SecretDigest("the-configured-secret");

        Assert.Equal(matches, digest.Matches(presented));
        Assert.DoesNotContain("configured", digest.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer abc", "abc")]
    [InlineData("bearer  abc ", "abc")]
    [InlineData("Basic abc", null)]
    [InlineData("Bearer ", null)]
    [InlineData("Bearerabc", null)]
    [InlineData(null, null)]
    public void The_bearer_token_is_read_from_one_authorization_header(string? header, string? expected)
    {
        var request = new DefaultHttpContext().Request;
        if (header is not null) request.Headers.Authorization = header;

        Assert.Equal(expected, BearerToken.From(request));
    }

    [Fact]
    public void Two_authorization_headers_are_no_token()
    {
        var request = new DefaultHttpContext().Request;
        request.Headers.Authorization = new(["Bearer a", "Bearer b"]);

        Assert.Null(BearerToken.From(request));
    }

    [Fact]
    public void The_throttle_lets_one_line_through_per_interval_and_counts_the_rest()
    {
        var time = new FakeTimeProvider();
        var throttle = new LogThrottle(time, TimeSpan.FromSeconds(10));

        Assert.True(throttle.TryEnter(out var first));
        Assert.False(throttle.TryEnter(out _));
        Assert.False(throttle.TryEnter(out _));
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(throttle.TryEnter(out _));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(throttle.TryEnter(out var skipped));

        Assert.Equal(0, first);
        Assert.Equal(3, skipped);
    }
}

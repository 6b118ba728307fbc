using System.Security.Cryptography;
using System.Text;

namespace HttpRaft.AspNetCore.Security;

/// <summary>
/// A configured secret, kept only as its SHA-256 digest and compared in constant time: hashing first makes both
/// sides the same length, so neither the comparison's duration nor an early exit tells an attacker how much of a
/// guess was right, or how long the secret is.
/// </summary>
public sealed class SecretDigest
{
    /// <summary>The shortest secret or key accepted at start-up: long enough that guessing it over the network is hopeless.</summary>
    public const int MinLength = 16;

    private readonly byte[] digest;

    public SecretDigest(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        digest = Hash(secret);
    }

    /// <summary>True when <paramref name="presented"/> is the secret.</summary>
    public bool Matches(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(digest, Hash(presented));

    private static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    /// <summary>Never the secret, so a digest that ends up in a log or a debugger display gives nothing away.</summary>
    public override string ToString() => "(secret)";
}

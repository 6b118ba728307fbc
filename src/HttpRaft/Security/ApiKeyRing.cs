using HttpRaft.AspNetCore.Security;
using Microsoft.Extensions.Options;

namespace HttpRaft.Security;

/// <summary>The configured API keys as digests with their scopes; <see cref="Enabled"/> is false when none are set.</summary>
internal sealed class ApiKeyRing(IOptions<ClientApiOptions> options)
{
    private readonly (SecretDigest Digest, string Scope)[] keys =
        [.. options.Value.ApiKeys.Select(k => (new SecretDigest(k.Key!.Trim()), k.Scope))];

    public bool Enabled => keys.Length > 0;

    /// <summary>The scope of <paramref name="presented"/>, or null for an unknown key. Every key is compared, so the time taken does not say which matched.</summary>
    public string? ScopeOf(string presented)
    {
        string? scope = null;
        foreach (var (digest, keyScope) in keys)
        {
            if (digest.Matches(presented)) scope ??= keyScope;
        }
        return scope;
    }
}

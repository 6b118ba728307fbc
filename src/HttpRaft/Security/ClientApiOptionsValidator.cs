using HttpRaft.AspNetCore.Security;
using Microsoft.Extensions.Options;

namespace HttpRaft.Security;

/// <summary>Checks the API keys at start-up; a message never repeats a key, so it cannot end up in a log.</summary>
internal sealed class ClientApiOptionsValidator : IValidateOptions<ClientApiOptions>
{
    /// <summary>The shortest key accepted, as for the cluster secret.</summary>
    public const int MinKeyLength = SecretDigest.MinLength;

    public ValidateOptionsResult Validate(string? name, ClientApiOptions options)
    {
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var key = options.ApiKeys[i];
            if (key.Key is null || key.Key.Trim().Length < MinKeyLength) return ValidateOptionsResult.Fail($"ApiKeys:{i}: the key must be at least {MinKeyLength} characters");
            if (!ApiScopes.IsKnown(key.Scope)) return ValidateOptionsResult.Fail($"ApiKeys:{i}: scope must be 'read', 'write' or 'admin', not '{key.Scope}'");
        }
        var distinct = options.ApiKeys.Select(k => k.Key).Distinct(StringComparer.Ordinal).Count();
        return distinct == options.ApiKeys.Count ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail("ApiKeys: the same key is listed twice");
    }
}

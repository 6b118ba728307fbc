namespace HttpRaft.Security;

/// <summary>
/// Client authentication settings (section <c>HttpRaft</c>, beside the node's own options): the API keys clients
/// present as <c>Authorization: Bearer &lt;key&gt;</c>. With none configured the client routes are open.
/// </summary>
internal sealed class ClientApiOptions
{
    /// <summary><c>apiKeys</c> in peers.json, or <c>HttpRaft__ApiKeys__0__Key</c> / <c>HttpRaft__ApiKeys__0__Scope</c> in the environment.</summary>
    public List<ApiKeyOptions> ApiKeys { get; set; } = [];
}

/// <summary>One API key and what it may do.</summary>
internal sealed class ApiKeyOptions
{
    /// <summary>The key itself, at least <see cref="ClientApiOptionsValidator.MinKeyLength"/> characters.</summary>
    public string? Key { get; set; }

    /// <summary><c>read</c> (GET routes) or <c>write</c> (appends, and everything <c>read</c> allows); default <c>read</c>, the least privilege.</summary>
    public string Scope { get; set; } = ApiScopes.Read;
}

/// <summary>The scopes an API key can carry, as claim values.</summary>
internal static class ApiScopes
{
    public const string ClaimType = "scope";
    public const string Read = "read";
    public const string Write = "write";
}

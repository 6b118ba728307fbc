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

    /// <summary>
    /// <c>read</c> (GET routes), <c>write</c> (appends, and everything <c>read</c> allows) or <c>admin</c> (the routes that
    /// change the cluster, and everything <c>write</c> allows); default <c>read</c>, the least privilege.
    /// </summary>
    public string Scope { get; set; } = ApiScopes.Read;
}

/// <summary>The scopes an API key can carry, as claim values.</summary>
internal static class ApiScopes
{
    public const string ClaimType = "scope";
    public const string Read = "read";
    public const string Write = "write";
    public const string Admin = "admin";

    /// <summary>The scopes a key of <paramref name="scope"/> holds: <c>admin</c> implies <c>write</c>, which implies <c>read</c>.</summary>
    public static string[] Implied(string scope) => scope switch
    {
        Admin => [Read, Write, Admin],
        Write => [Read, Write],
        _ => [Read],
    };

    /// <summary>True for a scope a key may be configured with.</summary>
    public static bool IsKnown(string? scope) => scope is Read or Write or Admin;
}

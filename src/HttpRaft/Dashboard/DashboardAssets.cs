using System.Collections.Frozen;

namespace HttpRaft.Dashboard;

/// <summary>The dashboard's hand-written page, style and script, embedded in the assembly (nothing is fetched from any other host).</summary>
internal static class DashboardAssets
{
    private const string Prefix = "HttpRaft.Dashboard.";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["dashboard.css"] = "text/css; charset=utf-8",
        ["dashboard-state.js"] = "text/javascript; charset=utf-8",
        ["dashboard.js"] = "text/javascript; charset=utf-8",
        ["favicon.svg"] = "image/svg+xml",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, byte[]> Files = ContentTypes.Keys.ToFrozenDictionary(name => name, Load);

    /// <summary>The file named <paramref name="name"/> and its content type, or null for any other name.</summary>
    public static (byte[] Content, string ContentType)? Find(string name) =>
        Files.TryGetValue(name, out var content) ? (content, ContentTypes[name]) : null;

    private static byte[] Load(string name)
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream(Prefix + name)
            ?? throw new InvalidOperationException($"The dashboard file {name} is not embedded in the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

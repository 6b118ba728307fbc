using System.Globalization;
using System.Text.Json;
using HttpRaft.AspNetCore;
using HttpRaft.Security;

namespace HttpRaft.Startup;

/// <summary>
/// Reads <c>peers.json</c> (docs/design.md §2: <c>{"peers": [...], "apis": [...]}</c> plus optional settings such as
/// <c>dataDir</c> or <c>electionTicks</c>) into configuration keys under the <c>HttpRaft</c> section.
/// </summary>
internal static class ClusterFile
{
    public const string DefaultName = "peers.json";

    /// <summary>The keys of <paramref name="path"/>'s JSON object, flattened the way configuration binds them.</summary>
    public static Dictionary<string, string?> Load(string path)
    {
        if (!File.Exists(path)) throw new StartupException($"cluster file {path} not found (create it from peers.example.json, or pass --config PATH)");
        using var document = Parse(path);
        if (document.RootElement.ValueKind != JsonValueKind.Object) throw new StartupException($"{path} must hold a JSON object with \"peers\" and \"apis\" arrays");
        foreach (var property in document.RootElement.EnumerateObject()) CheckKnown(property);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Flatten(document.RootElement, RaftHostOptions.SectionName, values);
        return values;
    }

    /// <summary>The keys peers.json may hold: the settable <see cref="RaftHostOptions"/> and <see cref="ClientApiOptions"/> properties, in any case.</summary>
    private static readonly HashSet<string> KnownKeys = SettableNames(typeof(RaftHostOptions)).Concat(SettableNames(typeof(ClientApiOptions))).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The blocks peers.json may hold, each with its keys and where its settings are explained.</summary>
    private static readonly Dictionary<string, (HashSet<string> Keys, string Example, string Docs)> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        ["tls"] = (SettableNames(typeof(RaftTlsOptions)).ToHashSet(StringComparer.OrdinalIgnoreCase), "{\"certificate\": \"node.pfx\"}", "TLS in docs/operations.md"),
        ["retention"] = (SettableNames(typeof(RetentionOptions)).ToHashSet(StringComparer.OrdinalIgnoreCase), "{\"maxEntries\": 1000000}", "Retention in docs/operations.md"),
    };

    private static IEnumerable<string> SettableNames(Type type) => type.GetProperties().Where(p => p.CanWrite).Select(p => p.Name);

    /// <summary>
    /// Refuses a key that would otherwise be silently ignored: a user who misspells <c>clusterSecret</c> must not
    /// believe the peers are authenticated, nor one who misspells <c>electionTicks</c> that the setting took effect.
    /// </summary>
    private static void CheckKnown(JsonProperty property)
    {
        if (!KnownKeys.Contains(property.Name)) throw new StartupException($"peers.json: unknown key {property.Name} (see the configuration table in the README)");
        if (!Blocks.TryGetValue(property.Name, out var block)) return;
        var name = property.Name.ToLowerInvariant();
        if (property.Value.ValueKind != JsonValueKind.Object) throw new StartupException($"peers.json: {name} must be an object such as {block.Example}");
        var unknown = property.Value.EnumerateObject().FirstOrDefault(p => !block.Keys.Contains(p.Name));
        if (unknown.Value.ValueKind != JsonValueKind.Undefined) throw new StartupException($"peers.json: unknown key {name}.{unknown.Name} (see {block.Docs})");
    }

    private static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new StartupException($"{path} is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
        catch (IOException e)
        {
            throw new StartupException($"cannot read {path}: {e.Message}");
        }
    }

    private static void Flatten(JsonElement element, string key, Dictionary<string, string?> values)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject()) Flatten(property.Value, $"{key}:{property.Name}", values);
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray()) Flatten(item, $"{key}:{(i++).ToString(CultureInfo.InvariantCulture)}", values);
                break;
            case JsonValueKind.String:
                values[key] = element.GetString();
                break;
            default:
                values[key] = element.GetRawText();
                break;
        }
    }
}

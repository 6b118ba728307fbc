using System.Globalization;
using System.Text.Json;
using HttpRaft.AspNetCore;

namespace HttpRaft.Startup;

/// <summary>
/// <c>member.json</c> in a joined node's data directory: the id the leader gave it, its own two addresses, and the
/// members it was told about when it joined. A restart reads it, so a joined node needs neither <c>peers.json</c> nor
/// <c>--join</c> again, and never asks for a second id.
/// </summary>
internal sealed record MemberFile(int Id, string Peer, string Api, IReadOnlyList<SeedEntry> Seeds)
{
    public const string FileName = "member.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The file in <paramref name="dataDirectory"/>, or null when this node has not joined a cluster.</summary>
    public static MemberFile? Load(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            var file = JsonSerializer.Deserialize<MemberFile>(File.ReadAllBytes(path), Json);
            if (file is null || !NodeAddress.TryParse(file.Peer, out _) || !NodeAddress.TryParse(file.Api, out _) || file.Id < 0)
            {
                throw new StartupException($"{path} does not name this node's id, peer and api addresses");
            }
            return file with { Seeds = file.Seeds ?? [] };
        }
        catch (JsonException e)
        {
            throw new StartupException($"{path} is not valid JSON: {e.Message}");
        }
    }

    /// <summary>Writes the file durably: to a temporary file, flushed, then renamed over (a crash leaves the old or the new, never half).</summary>
    public void Save(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, this, Json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>This identity as configuration keys under the <c>HttpRaft</c> section.</summary>
    public IEnumerable<KeyValuePair<string, string?>> AsSettings()
    {
        const string section = RaftHostOptions.SectionName;
        yield return new($"{section}:{nameof(RaftHostOptions.NodeId)}", Id.ToString(CultureInfo.InvariantCulture));
        yield return new($"{section}:{nameof(RaftHostOptions.Peer)}", Peer);
        yield return new($"{section}:{nameof(RaftHostOptions.Api)}", Api);
        for (var i = 0; i < Seeds.Count; i++)
        {
            var at = $"{section}:{nameof(RaftHostOptions.Seeds)}:{i.ToString(CultureInfo.InvariantCulture)}";
            yield return new($"{at}:{nameof(SeedMember.Id)}", Seeds[i].Id.ToString(CultureInfo.InvariantCulture));
            yield return new($"{at}:{nameof(SeedMember.Peer)}", Seeds[i].Peer);
            yield return new($"{at}:{nameof(SeedMember.Api)}", Seeds[i].Api);
        }
    }
}

/// <summary>A member a joining node was told about.</summary>
internal sealed record SeedEntry(int Id, string Peer, string Api);

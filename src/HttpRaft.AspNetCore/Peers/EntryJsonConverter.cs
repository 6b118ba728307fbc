using System.Text.Json;
using System.Text.Json.Serialization;
using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore.Peers;

/// <summary>
/// Writes an <see cref="Entry"/> as <c>{"index","term","kind","data"}</c> with data in base64, and reads it back
/// strictly: all four fields, nothing else. (The default contract would also write the computed size.)
/// </summary>
internal sealed class EntryJsonConverter : JsonConverter<Entry>
{
    public override Entry Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("An entry must be a JSON object.");
        long? index = null, term = null;
        EntryKind? kind = null;
        byte[]? data = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "index": index = reader.GetInt64(); break;
                case "term": term = reader.GetInt64(); break;
                case "kind": kind = ReadKind(ref reader); break;
                case "data": data = reader.GetBytesFromBase64(); break;
                default: throw new JsonException($"Unknown entry field '{name}'.");
            }
        }
        if (index is null || term is null || kind is null || data is null) throw new JsonException("An entry needs index, term, kind and data.");
        return new Entry(index.Value, term.Value, kind.Value, data);
    }

    public override void Write(Utf8JsonWriter writer, Entry value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteNumber("index", value.Index);
        writer.WriteNumber("term", value.Term);
        writer.WriteNumber("kind", (byte)value.Kind);
        writer.WriteBase64String("data", value.Data.Span);
        writer.WriteEndObject();
    }

    private static EntryKind ReadKind(ref Utf8JsonReader reader)
    {
        var kind = (EntryKind)reader.GetByte();
        return Enum.IsDefined(kind) ? kind : throw new JsonException($"Unknown entry kind {(byte)kind}.");
    }
}

using System.Globalization;
using System.Text;
using CsCheck;

namespace HttpRaft.Tests.Fuzz;

/// <summary>
/// Generators of hostile request bodies: random JSON trees with the field names the nodes know, valid bodies
/// mutated byte by byte or token by token, and plain random bytes.
/// </summary>
internal static class FuzzInputs
{
    private static readonly string[] Keys = ["entry", "entries", "index", "term", "from", "to", "kind", "data", "preVote", "lastLogIndex", "lastLogTerm", "prevLogIndex", "prevLogTerm", "leaderCommit", "commit", "readRound", "requestId", "success", "granted", "conflictIndex", "conflictTerm", "x"];

    /// <summary>Tokens that break parsers and range checks: extremes, wrong types, odd escapes.</summary>
    private static readonly string[] Tokens =
    [
        "null", "true", "[]", "{}", "\"\"", "-1", "0", "1e400", "-0", "1.5", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "4611686018427387904", "\"\\ud800\"", "\"\\u0000\"", "\"AAAA\"", "\"=\"", "NaN", "[[[[[[[[", "\"x\"",
    ];

    /// <summary>A random JSON value text, nested at most <paramref name="depth"/> deep.</summary>
    public static Gen<string> Json(int depth) => depth == 0
        ? Scalar
        : Gen.Frequency(
            (3, Scalar),
            (1, Json(depth - 1).Array[0, 4].Select(items => $"[{string.Join(",", items)}]")),
            (2, Gen.Select(Gen.OneOf(Keys), Json(depth - 1)).Array[0, 6].Select(fields => "{" + string.Join(",", fields.Select(f => $"\"{f.Item1}\":{f.Item2}")) + "}")));

    private static Gen<string> Scalar { get; } = Gen.Frequency(
        (2, Gen.OneOf(Tokens)),
        (2, Gen.Long.Select(v => v.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.Int[-3, 100].Select(v => v.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.String.Select(Quote)));

    /// <summary>One of <paramref name="seeds"/> with one to four mutations.</summary>
    public static Gen<byte[]> Mutated(IReadOnlyList<string> seeds) => Mutated([.. seeds.Select(Encoding.UTF8.GetBytes)]);

    /// <summary>One of <paramref name="seeds"/> with one to four mutations.</summary>
    public static Gen<byte[]> Mutated(IReadOnlyList<byte[]> seeds) =>
        Gen.Select(Gen.Int[0, seeds.Count - 1], Mutation.Array[1, 4], (i, mutations) => mutations.Aggregate(seeds[i], (bytes, m) => m(bytes)));

    /// <summary>Random bodies of every kind, weighted towards near-valid ones (which reach the deepest code).</summary>
    public static Gen<byte[]> Body(IReadOnlyList<string> seeds) => Gen.Frequency(
        (5, Mutated(seeds)),
        (3, Json(3).Select(Encoding.UTF8.GetBytes)),
        (1, Gen.Byte.Array[0, 256]),
        (1, Gen.OneOf(seeds.ToArray()).Select(Encoding.UTF8.GetBytes)));

    public static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private static Gen<Func<byte[], byte[]>> Mutation { get; } = Gen.Select(Gen.Int[0, 6], Gen.Double[0, 1], Gen.Double[0, 1], Gen.Byte, Gen.OneOf(Tokens),
        (kind, at, to, value, token) => (Func<byte[], byte[]>)(bytes => Mutate(bytes, kind, at, to, value, token)));

    private static byte[] Mutate(byte[] bytes, int kind, double at, double to, byte value, string token)
    {
        var i = (int)(at * bytes.Length);
        var j = Math.Max(i, (int)(to * bytes.Length));
        return kind switch
        {
            0 when bytes.Length > 0 => Replace(bytes, Math.Min(i, bytes.Length - 1), value),
            1 => [.. bytes[..i], value, .. bytes[i..]],
            2 => [.. bytes[..i], .. bytes[j..]],
            3 => [.. bytes[..j], .. bytes[i..j], .. bytes[j..]],
            4 => bytes[..i],
            _ => ReplaceNumber(bytes, i, token),
        };
    }

    private static byte[] Replace(byte[] bytes, int i, byte value)
    {
        var copy = (byte[])bytes.Clone();
        copy[i] = value;
        return copy;
    }

    /// <summary>Replaces the number or literal at or after <paramref name="i"/> with <paramref name="token"/>, keeping the JSON around it.</summary>
    private static byte[] ReplaceNumber(byte[] bytes, int i, string token)
    {
        while (i < bytes.Length && !IsValueStart(bytes[i])) i++;
        var end = i;
        while (end < bytes.Length && IsValueStart(bytes[end])) end++;
        return [.. bytes[..i], .. Encoding.UTF8.GetBytes(token), .. bytes[end..]];
    }

    private static bool IsValueStart(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'t' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'u' or (byte)'e' or (byte)'a' or (byte)'l' or (byte)'s';
}

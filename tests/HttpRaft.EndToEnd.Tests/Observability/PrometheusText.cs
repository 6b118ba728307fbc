using System.Globalization;
using System.Text.RegularExpressions;

namespace HttpRaft.EndToEnd.Tests.Observability;

/// <summary>One sample of a Prometheus text exposition: metric name, labels, value.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? Label(string name) => Labels.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A strict reader of the Prometheus text exposition format (version 0.0.4): every line must be a blank line, a
/// comment, a well-formed <c># HELP</c> or <c># TYPE</c>, or a sample; a metric's TYPE comes once and before its
/// samples; no series appears twice; histogram buckets are cumulative and end in <c>+Inf</c> equal to <c>_count</c>.
/// Any violation throws, naming the line.
/// </summary>
internal sealed partial class PrometheusText
{
    private static readonly string[] Types = ["counter", "gauge", "histogram", "summary", "untyped"];
    private readonly Dictionary<string, string> types = [];
    private readonly List<PrometheusSample> samples = [];

    private PrometheusText()
    {
    }

    public IReadOnlyList<PrometheusSample> Samples => samples;

    /// <summary>The declared type of each metric family.</summary>
    public IReadOnlyDictionary<string, string> TypesByFamily => types;

    public static PrometheusText Parse(string text)
    {
        var parsed = new PrometheusText();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            try
            {
                parsed.Read(lines[i]);
            }
            catch (FormatException e)
            {
                throw new FormatException($"line {i + 1} is not valid exposition format ({e.Message}): {lines[i]}", e);
            }
        }
        parsed.CheckSeriesAreUnique();
        parsed.CheckHistograms();
        return parsed;
    }

    /// <summary>The value of the one sample named <paramref name="name"/> whose labels include <paramref name="labels"/>.</summary>
    public double Value(string name, params (string Name, string Value)[] labels)
    {
        var matching = samples.Where(s => s.Name == name && labels.All(l => s.Label(l.Name) == l.Value)).ToList();
        Assert.True(matching.Count == 1, $"expected one sample of {name}{{{string.Join(',', labels)}}}, found {matching.Count}");
        return matching[0].Value;
    }

    /// <summary>The sum over every sample named <paramref name="name"/> whose labels include <paramref name="labels"/> (0 if none).</summary>
    public double Sum(string name, params (string Name, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Label(l.Name) == l.Value)).Sum(s => s.Value);

    public bool Has(string name) => samples.Any(s => s.Name == name);

    private void Read(string line)
    {
        if (line.Length == 0) return;
        if (line.StartsWith('#'))
        {
            ReadComment(line);
            return;
        }
        var match = SampleLine().Match(line);
        if (!match.Success) throw new FormatException("not a sample");
        var name = match.Groups["name"].Value;
        var family = FamilyOf(name);
        if (!types.ContainsKey(family) && !types.ContainsKey(name)) throw new FormatException($"no TYPE before the first sample of {family}");
        var labels = ReadLabels(match.Groups["labels"].Value);
        samples.Add(new PrometheusSample(name, labels, ReadValue(match.Groups["value"].Value)));
    }

    private void ReadComment(string line)
    {
        if (!line.StartsWith("# HELP ", StringComparison.Ordinal) && !line.StartsWith("# TYPE ", StringComparison.Ordinal)) return;
        var parts = line.Split(' ', 4);
        if (parts.Length < 3 || !MetricName().IsMatch(parts[2])) throw new FormatException("a HELP or TYPE without a valid metric name");
        if (parts[1] == "HELP") return;
        if (parts.Length != 4 || !Types.Contains(parts[3])) throw new FormatException("TYPE without a known type");
        if (samples.Any(s => FamilyOf(s.Name) == parts[2])) throw new FormatException($"TYPE of {parts[2]} after its samples");
        if (!types.TryAdd(parts[2], parts[3])) throw new FormatException($"a second TYPE for {parts[2]}");
    }

    private static Dictionary<string, string> ReadLabels(string text)
    {
        var labels = new Dictionary<string, string>();
        if (text.Length == 0) return labels;
        var body = text[1..^1];
        var position = 0;
        while (position < body.Length)
        {
            var match = LabelPair().Match(body, position);
            if (!match.Success || match.Index != position) throw new FormatException("malformed labels");
            if (!labels.TryAdd(match.Groups["name"].Value, Unescape(match.Groups["value"].Value))) throw new FormatException("a label given twice");
            position += match.Length;
        }
        return labels;
    }

    private static string Unescape(string value) => value.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

    private static double ReadValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    /// <summary>A histogram's samples belong to the family without the suffix.</summary>
    private string FamilyOf(string name)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && types.TryGetValue(name[..^suffix.Length], out var type) && type is "histogram" or "summary") return name[..^suffix.Length];
        }
        return name;
    }

    private static string SeriesKey(PrometheusSample s) => s.Name + "{" + string.Join(',', s.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}";

    private void CheckSeriesAreUnique()
    {
        var duplicate = samples.GroupBy(SeriesKey).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new FormatException($"the series {duplicate.Key} appears {duplicate.Count()} times");
    }

    private void CheckHistograms()
    {
        foreach (var family in types.Where(t => t.Value == "histogram").Select(t => t.Key))
        {
            var buckets = samples.Where(s => s.Name == family + "_bucket").GroupBy(s => SeriesKey(s with { Labels = s.Labels.Where(l => l.Key != "le").ToDictionary() }));
            foreach (var series in buckets)
            {
                var ordered = series.Select(s => (Le: ReadValue(s.Label("le") ?? throw new FormatException($"{family}_bucket without le")), s.Value)).ToList();
                if (!double.IsPositiveInfinity(ordered[^1].Le)) throw new FormatException($"{series.Key}: the last bucket is not +Inf");
                for (var i = 1; i < ordered.Count; i++)
                {
                    if (ordered[i].Le <= ordered[i - 1].Le || ordered[i].Value < ordered[i - 1].Value) throw new FormatException($"{series.Key}: buckets are not cumulative in increasing le");
                }
                var labels = series.First().Labels.Where(l => l.Key != "le").ToArray();
                var count = samples.Single(s => s.Name == family + "_count" && s.Labels.Count == labels.Length && labels.All(l => s.Label(l.Key) == l.Value));
                if (count.Value != ordered[^1].Value) throw new FormatException($"{series.Key}: +Inf bucket {ordered[^1].Value} differs from _count {count.Value}");
            }
        }
    }

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{.*\})?[ ](?<value>[^ ]+)(?:[ ](?<timestamp>-?[0-9]+))?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\[\\""n])*)"",?")]
    private static partial Regex LabelPair();
}

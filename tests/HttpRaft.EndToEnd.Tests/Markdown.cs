using System.Text;
using System.Text.RegularExpressions;

namespace HttpRaft.EndToEnd.Tests;

/// <summary>
/// Just enough Markdown for checking links: the headings of a file as GitHub anchors them, and the inline links
/// outside code. Code blocks and code spans are left out, so an example in them is never taken for a link.
/// </summary>
internal static partial class Markdown
{
    /// <summary>A link found in a file: its line (1-based) and its target as written, e.g. <c>api.md#tailing</c>.</summary>
    public readonly record struct Link(int Line, string Target);

    /// <summary>The heading lines (<c>#</c> to <c>######</c>) outside fenced code, without their <c>#</c> marks.</summary>
    public static IEnumerable<string> Headings(string text)
    {
        foreach (var (_, line) in LinesOutsideFences(text))
        {
            var match = HeadingLine().Match(line);
            if (match.Success) yield return match.Groups[1].Value.Trim();
        }
    }

    /// <summary>
    /// The anchors GitHub gives the headings of <paramref name="text"/>: lower case, every character that is not a
    /// letter, digit, space, hyphen or underscore removed, spaces turned into hyphens; a repeated anchor gets
    /// <c>-1</c>, <c>-2</c>, … in order.
    /// </summary>
    public static HashSet<string> Anchors(string text)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var heading in Headings(text))
        {
            var anchor = AnchorOf(heading);
            var repeats = seen.GetValueOrDefault(anchor);
            seen[anchor] = repeats + 1;
            anchors.Add(repeats == 0 ? anchor : $"{anchor}-{repeats}");
        }
        return anchors;
    }

    /// <summary>The anchor GitHub gives one heading.</summary>
    public static string AnchorOf(string heading)
    {
#pragma warning disable CA1308 // GitHub's anchors are lower case.
        var lower = heading.ToLowerInvariant();
#pragma warning restore CA1308
        var kept = new StringBuilder(lower.Length);
        foreach (var c in lower)
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_') kept.Append(c);
            else if (c == ' ') kept.Append('-');
        }
        return kept.ToString();
    }

    /// <summary>The inline links and images of <paramref name="text"/>, outside fenced code and code spans.</summary>
    public static IEnumerable<Link> Links(string text)
    {
        foreach (var (number, line) in LinesOutsideFences(text))
        {
            // A code span may hold link-like text; keep its place but not its content.
            var prose = CodeSpan().Replace(line, "code");
            foreach (Match match in InlineLink().Matches(prose)) yield return new Link(number, match.Groups[1].Value);
        }
    }

    private static IEnumerable<(int Number, string Line)> LinesOutsideFences(string text)
    {
        var inFence = false;
        var number = 0;
        foreach (var line in text.Split('\n'))
        {
            number++;
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }
            if (!inFence) yield return (number, line.TrimEnd('\r'));
        }
    }

    [GeneratedRegex(@"^#{1,6}\s+(.+?)(?:\s+#+)?\s*$")]
    private static partial Regex HeadingLine();

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex CodeSpan();

    // [text](target) or [text](target "title"); the target has no spaces.
    [GeneratedRegex(@"\]\(\s*<?([^)\s>]+)>?(?:\s+""[^""]*"")?\s*\)")]
    private static partial Regex InlineLink();
}

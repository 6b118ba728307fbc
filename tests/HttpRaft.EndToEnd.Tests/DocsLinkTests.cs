using System.Text.RegularExpressions;

namespace HttpRaft.EndToEnd.Tests;

/// <summary>
/// The documentation stays reachable: every section citation in the code has its heading in docs/design.md, every
/// docs file named in the code exists, every relative link in the Markdown files leads to a file and heading that
/// exist, every docs file is linked from the README, and the README stays short. Each failure lists what is broken.
/// </summary>
public sealed partial class DocsLinkTests
{
    private const int MaxReadmeLines = 250;

    /// <summary>Folders searched for citations, from the repository root.</summary>
    private static readonly string[] SourceRoots = ["src", "tests", "bench", "scripts", "docs", "postman", ".ci"];

    private static readonly HashSet<string> SourceExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".cs", ".sh", ".md", ".csproj", ".props", ".json", ".lua", "",
    };

    /// <summary>Build output, installed packages and test results: not the project's own text.</summary>
    private static readonly HashSet<string> SkippedFolders = new(StringComparer.Ordinal) { "bin", "obj", "node_modules", "TestResults" };

    private static readonly string DesignPath = Path.Combine(Repository.Root, "docs", "design.md");

    [Fact]
    public void Every_design_citation_names_a_numbered_heading_of_docs_design_md()
    {
        var numbers = NumberedSections(File.ReadAllText(DesignPath));
        var citations = SourceFiles().SelectMany(file => Matches(file, DesignCitation())).ToList();
        var broken = citations.Where(c => !numbers.Contains(c.Value)).Select(c => $"{c.Where}: docs/design.md §{c.Value}").ToList();

        Assert.NotEmpty(citations);
        Assert.True(broken.Count == 0, $"Citations with no heading '## N.' (or '### N.M') in docs/design.md:\n{string.Join('\n', broken)}");
    }

    [Fact]
    public void No_citation_points_at_the_shared_contract_instead_of_docs_design_md()
    {
        var stale = SourceFiles().SelectMany(file => Matches(file, ContractCitation())).Select(c => $"{c.Where}: {c.Value}").ToList();

        Assert.True(stale.Count == 0, $"Citations of the shared contract, which is not in the repository (cite docs/design.md §N):\n{string.Join('\n', stale)}");
    }

    [Fact]
    public void Every_docs_file_named_in_the_code_exists()
    {
        var named = SourceFiles().Append(ReadmePath).SelectMany(file => Matches(file, DocsFileMention())).ToList();
        var missing = named.Where(n => !File.Exists(Path.Combine(Repository.Root, "docs", n.Value))).Select(n => $"{n.Where}: docs/{n.Value}").ToList();

        Assert.True(missing.Count == 0, $"Files named under docs/ that do not exist:\n{string.Join('\n', missing)}");
    }

    [Fact]
    public void Every_relative_link_in_the_markdown_leads_to_an_existing_file_and_heading()
    {
        var files = MarkdownFiles().ToList();
        var broken = files.SelectMany(BrokenLinks).ToList();

        Assert.Contains(files, f => f.EndsWith("design.md", StringComparison.Ordinal));
        Assert.True(broken.Count == 0, $"Broken links:\n{string.Join('\n', broken)}");
    }

    [Fact]
    public void The_readme_links_every_docs_file()
    {
        var linked = Markdown.Links(File.ReadAllText(ReadmePath)).Select(l => l.Target.Split('#')[0]).ToHashSet(StringComparer.Ordinal);
        var unlinked = Directory.EnumerateFiles(Path.Combine(Repository.Root, "docs"), "*.md")
            .Select(path => $"docs/{Path.GetFileName(path)}")
            .Where(doc => !linked.Contains(doc))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(unlinked.Count == 0, $"Docs files the README does not link:\n{string.Join('\n', unlinked)}");
    }

    [Fact]
    public void The_readme_stays_short()
    {
        var lines = File.ReadAllLines(ReadmePath).Length;

        Assert.True(lines <= MaxReadmeLines, $"README.md has {lines} lines, more than {MaxReadmeLines}: move details to docs/.");
    }

    [Theory]
    [InlineData("4. Peer protocol and frame format", "4-peer-protocol-and-frame-format")]
    [InlineData("1.1 The node loop", "11-the-node-loop")]
    [InlineData("Exactly-once appends: `Idempotency-Key`", "exactly-once-appends-idempotency-key")]
    [InlineData("Linearizable reads: `consistency=linearizable`", "linearizable-reads-consistencylinearizable")]
    [InlineData("snake_case & Co.", "snake_case--co")]
    public void Anchors_follow_githubs_rules(string heading, string anchor) => Assert.Equal(anchor, Markdown.AnchorOf(heading));

    [Fact]
    public void A_repeated_heading_gets_a_numbered_anchor_and_code_is_not_read()
    {
        const string text = "# Notes\n## Notes\n```\n## Not a heading [x](missing.md)\n```\nSee `[z](gone.md)` in code.\n";

        Assert.Equal(["notes", "notes-1"], Markdown.Anchors(text).Order(StringComparer.Ordinal));
        Assert.Empty(Markdown.Links(text));
    }

    private static string ReadmePath => Path.Combine(Repository.Root, "README.md");

    /// <summary>The numbers of design.md's <c>## N.</c> and <c>### N.M</c> headings.</summary>
    private static HashSet<string> NumberedSections(string design) =>
        Markdown.Headings(design)
            .Select(heading => SectionNumber().Match(heading))
            .Where(match => match.Success)
            .Select(match => match.Groups[1].Value)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>What is wrong with each relative link of <paramref name="file"/>, as "file:line: target (why)".</summary>
    private static IEnumerable<string> BrokenLinks(string file)
    {
        foreach (var link in Markdown.Links(File.ReadAllText(file)))
        {
            var problem = ProblemWith(file, link.Target);
            if (problem is not null) yield return $"{Relative(file)}:{link.Line}: {link.Target} ({problem})";
        }
    }

    private static string? ProblemWith(string file, string target)
    {
        if (UriScheme().IsMatch(target)) return null;
        var hash = target.IndexOf('#', StringComparison.Ordinal);
        var path = Uri.UnescapeDataString(hash < 0 ? target : target[..hash]);
        var anchor = hash < 0 ? "" : target[(hash + 1)..];
        var resolved = path.Length == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, path));
        if (!resolved.StartsWith(Repository.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal)) return "outside the repository";
        if (Directory.Exists(resolved)) return anchor.Length == 0 ? null : "an anchor on a folder";
        if (!File.Exists(resolved)) return "no such file";
        if (anchor.Length == 0 || !resolved.EndsWith(".md", StringComparison.OrdinalIgnoreCase)) return null;
        return Markdown.Anchors(File.ReadAllText(resolved)).Contains(anchor) ? null : $"no heading with anchor #{anchor}";
    }

    private static IEnumerable<(string Where, string Value)> Matches(string file, Regex pattern)
    {
        var lines = File.ReadAllLines(file);
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (Match match in pattern.Matches(lines[i])) yield return ($"{Relative(file)}:{i + 1}", match.Groups[1].Value);
        }
    }

    private static IEnumerable<string> MarkdownFiles() =>
        new[] { ReadmePath }.Concat(Walk(Path.Combine(Repository.Root, "docs")).Concat(Walk(Path.Combine(Repository.Root, "bench")))
            .Where(path => path.EndsWith(".md", StringComparison.OrdinalIgnoreCase)));

    private static IEnumerable<string> SourceFiles() =>
        SourceRoots.SelectMany(root => Walk(Path.Combine(Repository.Root, root)))
            .Where(path => SourceExtensions.Contains(Path.GetExtension(path)));

    /// <summary>Every file below <paramref name="folder"/>, leaving out build output, packages and hidden folders.</summary>
    private static IEnumerable<string> Walk(string folder)
    {
        if (!Directory.Exists(folder)) yield break;
        foreach (var file in Directory.EnumerateFiles(folder)) yield return file;
        foreach (var sub in Directory.EnumerateDirectories(folder))
        {
            var name = Path.GetFileName(sub);
            if (SkippedFolders.Contains(name) || name.StartsWith('.')) continue;
            foreach (var file in Walk(sub)) yield return file;
        }
    }

    private static string Relative(string path) => Path.GetRelativePath(Repository.Root, path);

    // "docs/design.md §4" or "docs/design.md §1.1".
    [GeneratedRegex(@"docs/design\.md\s*§\s*(\d+(?:\.\d+)?)")]
    private static partial Regex DesignCitation();

    // The shared contract's file name followed by a section sign, as the code cited it before docs/design.md existed.
    [GeneratedRegex(@"\b(DESIGN(?:\.md)?\s*§\s*\d+)")]
    private static partial Regex ContractCitation();

    // A file under docs/ named anywhere, e.g. "docs/storage.md" in a comment.
    [GeneratedRegex(@"\bdocs/([A-Za-z0-9_.-]+\.md)\b")]
    private static partial Regex DocsFileMention();

    // "1." of "## 1. Architecture", "1.1" of "### 1.1 The node loop".
    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\.?\s")]
    private static partial Regex SectionNumber();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex UriScheme();
}

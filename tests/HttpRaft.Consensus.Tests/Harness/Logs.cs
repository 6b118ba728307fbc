namespace HttpRaft.Consensus.Tests.Harness;

/// <summary>Builds disks that already hold a log, to start a scenario from a figure of the paper.</summary>
internal static class Logs
{
    /// <summary>
    /// A disk holding one entry per element of <paramref name="entryTerms"/> (index 1 first), with current term
    /// <paramref name="term"/>, no vote, and commit index <paramref name="commit"/>. Each payload names its
    /// index and term ("3@2"), so divergent entries at one index are told apart.
    /// </summary>
    public static MemoryStorage Disk(long term, long[] entryTerms, long commit = 0, int votedFor = RaftNode.None)
    {
        var storage = new MemoryStorage();
        var entries = entryTerms.Select((t, i) => Entry.Normal(i + 1, t, Payload($"{i + 1}@{t}"))).ToArray();
        storage.Append(entries);
        storage.SetHardState(new HardState(term, votedFor, commit));
        return storage;
    }

    /// <summary>Terms for a log: <paramref name="count"/> entries of <paramref name="term"/>.</summary>
    public static IEnumerable<long> Run(long term, int count) => Enumerable.Repeat(term, count);

    public static ReadOnlyMemory<byte> Payload(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    public static string Text(this Entry entry) => System.Text.Encoding.UTF8.GetString(entry.Data.Span);

    /// <summary>An entry's content as a comparable value: entries from different disks compare by what they hold.</summary>
    public static List<(long Index, long Term, EntryKind Kind, string Text)> Shape(this IEnumerable<Entry> entries) =>
        entries.Select(e => (e.Index, e.Term, e.Kind, e.Text())).ToList();
}

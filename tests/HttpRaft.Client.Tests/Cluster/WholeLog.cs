namespace HttpRaft.Client.Tests.Cluster;

/// <summary>Reads the whole log through the client, page by page, linearizably: what every test compares against.</summary>
internal static class WholeLog
{
    public static async Task<List<LogEntry>> ReadAsync(HttpRaftClient client)
    {
        var entries = new List<LogEntry>();
        long next = 1;
        while (true)
        {
            var page = await client.ReadAsync(next, 1000, ReadConsistency.Linearizable);
            if (page.NextIndex is not { } after) return entries;
            entries.AddRange(page.Entries);
            next = after;
        }
    }
}

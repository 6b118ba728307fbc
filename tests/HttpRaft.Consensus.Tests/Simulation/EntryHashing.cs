using System.IO.Hashing;
using HttpRaft.Consensus;

namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>
/// The hashes the checker and the simulated hosts agree on: one entry's, and one chained over a whole log prefix. The
/// chain over the committed prefix up to an index is both what Log Matching compares and the state a host's state
/// machine holds after applying that prefix, so a snapshot's host data can be checked against what was committed.
/// </summary>
internal static class EntryHashing
{
    public static ulong Chain(ulong previous, Entry entry) => Of(entry) ^ (previous * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL);

    public static ulong Of(Entry entry)
    {
        Span<byte> header = stackalloc byte[17];
        BitConverter.TryWriteBytes(header, entry.Index);
        BitConverter.TryWriteBytes(header[8..], entry.Term);
        header[16] = (byte)entry.Kind;
        var hash = new XxHash64();
        hash.Append(header);
        hash.Append(entry.Data.Span);
        return hash.GetCurrentHashAsUInt64();
    }
}

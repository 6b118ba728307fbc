using System.Buffers.Binary;

namespace HttpRaft.Consensus;

/// <summary>
/// The state a deleted log prefix leaves behind (Raft §7): the last deleted entry's index and term, the configuration
/// in force at that index, and the host's state (an idempotency table), all in <see cref="Data"/>. Storage keeps the
/// bytes as they are; a leader sends them to a follower whose next entries are gone.
/// </summary>
/// <param name="Index">The last entry the snapshot covers; the log goes on at Index + 1.</param>
/// <param name="Term">That entry's term, which the log answers for Index.</param>
/// <param name="Data"><c>[configuration length i32 LE][configuration entry data][host data]</c>.</param>
public sealed record Snapshot(long Index, long Term, ReadOnlyMemory<byte> Data)
{
    /// <summary>A snapshot at <paramref name="index"/> holding <paramref name="configuration"/> and the host's <paramref name="hostData"/>.</summary>
    public static Snapshot Create(long index, long term, Configuration configuration, ReadOnlySpan<byte> hostData)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var encoded = configuration.Encode();
        var data = new byte[4 + encoded.Length + hostData.Length];
        BinaryPrimitives.WriteInt32LittleEndian(data, encoded.Length);
        encoded.CopyTo(data, 4);
        hostData.CopyTo(data.AsSpan(4 + encoded.Length));
        return new Snapshot(index, term, data);
    }

    /// <summary>The configuration in force at <see cref="Index"/>; throws <see cref="FormatException"/> for data <see cref="Create"/> did not write.</summary>
    public Configuration Configuration => Configuration.Decode(ConfigurationBytes.Span);

    /// <summary>The host's part of <see cref="Data"/>.</summary>
    public ReadOnlyMemory<byte> HostData => Data[(4 + ConfigurationLength)..];

    /// <summary>Null when <see cref="Data"/> holds a configuration followed by host data; otherwise what is wrong.</summary>
    public string? Problem()
    {
        if (Data.Length < 4 || ConfigurationLength < 0 || ConfigurationLength > Data.Length - 4) return "the snapshot's data does not hold a configuration";
        return Configuration.TryDecode(ConfigurationBytes.Span, out var problem) is null ? problem : null;
    }

    /// <summary>True when both have the same index, term and bytes.</summary>
    public bool SameAs(Snapshot? other) =>
        other is not null && Index == other.Index && Term == other.Term && Data.Span.SequenceEqual(other.Data.Span);

    private int ConfigurationLength => BinaryPrimitives.ReadInt32LittleEndian(Data.Span);

    private ReadOnlyMemory<byte> ConfigurationBytes => Data.Slice(4, ConfigurationLength);
}

namespace HttpRaft.AspNetCore;

/// <summary>
/// How much of the log a node keeps (docs/design.md §8): the <c>retention</c> block of <c>peers.json</c>. With none of
/// the limits set, everything is kept. The leader checks them now and then and, when one is exceeded, appends a
/// truncation entry that every node carries out at the same index.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>Keep about this many of the newest committed entries (between this and 10 % more: cuts come in steps).</summary>
    public long? MaxEntries { get; set; }

    /// <summary>Keep the newest segments whose total size is within this many bytes (whole segments are what a cut frees, as Kafka's <c>retention.bytes</c>).</summary>
    public long? MaxBytes { get; set; }

    /// <summary>Delete segments last written longer ago than this (as Kafka's <c>retention.ms</c>, a segment at a time).</summary>
    public double? MaxAgeHours { get; set; }

    /// <summary>
    /// A follower that is at most this many entries behind the commit index is not cut off: the policy waits for it
    /// rather than send it a snapshot (etcd keeps 5,000 entries for the same reason). One further behind, or away, gets a
    /// snapshot when it returns. Explicit deletes (<c>DELETE /log</c>) do not wait.
    /// </summary>
    public long CatchUpEntries { get; set; } = 5_000;

    /// <summary>How often the leader checks the limits, in milliseconds.</summary>
    public int CheckIntervalMs { get; set; } = 1_000;

    /// <summary>True when any limit is set.</summary>
    public bool Enabled => MaxEntries is not null || MaxBytes is not null || MaxAgeHours is not null;

    /// <summary>The first setting that is out of range, or null.</summary>
    public string? Check()
    {
        if (MaxEntries is < 1) return "Retention:MaxEntries must be at least 1";
        if (MaxBytes is < 1) return "Retention:MaxBytes must be at least 1";
        if (MaxAgeHours is { } hours && (double.IsNaN(hours) || hours <= 0)) return "Retention:MaxAgeHours must be more than 0";
        if (CatchUpEntries < 0) return "Retention:CatchUpEntries must not be negative";
        if (CheckIntervalMs < 10) return "Retention:CheckIntervalMs must be at least 10";
        return null;
    }
}

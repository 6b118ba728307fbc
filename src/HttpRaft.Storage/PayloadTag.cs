namespace HttpRaft.Storage;

/// <summary>
/// The first byte of every client entry's data from storage format 2 on: which host envelope the rest of the data is in.
/// </summary>
/// <remarks>
/// The consensus core treats a normal entry's data as opaque, so the host's envelopes (an idempotency key today) live
/// inside it, behind this tag. Format 1 said the same thing with the entry's kind byte instead (0 plain, 2 keyed);
/// storage owns the data directory's format, so reading a format-1 segment yields the format-2 form with the tag.
/// </remarks>
public static class PayloadTag
{
    /// <summary>The rest of the data is the client's bytes as sent.</summary>
    public const byte Plain = 0;

    /// <summary>The rest of the data is a keyed envelope: the idempotency key, the request's hash and the client's bytes.</summary>
    public const byte Keyed = 1;
}

namespace HttpRaft.AspNetCore.Idempotency;

/// <summary>The rules for an <c>Idempotency-Key</c>: 1 to 128 visible ASCII characters, so it fits the log envelope's length byte and any header.</summary>
public static class IdempotencyKey
{
    /// <summary>The longest key accepted, in characters (= bytes, as keys are ASCII).</summary>
    public const int MaxLength = 128;

    /// <summary>True when <paramref name="key"/> is 1–128 characters from '!' to '~' (no spaces or control characters).</summary>
    public static bool IsValid(string? key) =>
        key is { Length: > 0 and <= MaxLength } && key.All(c => c is >= '!' and <= '~');
}

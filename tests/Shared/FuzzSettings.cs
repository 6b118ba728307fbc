using System.Globalization;
using CsCheck;

namespace HttpRaft.Testing;

/// <summary>
/// How long the fuzz tests run and from which seed: bounded for CI by default, longer with
/// <c>HTTPRAFT_FUZZ_ITERATIONS</c> (a multiplier of each target's default count), replayable with
/// <c>HTTPRAFT_FUZZ_SEED</c> (CsCheck's seed, printed by every run and by CsCheck with a failing input).
/// </summary>
internal static class FuzzSettings
{
    /// <summary>The seed of this run: the one given in the environment, or a fresh one.</summary>
    public static string Seed { get; } = Environment.GetEnvironmentVariable("HTTPRAFT_FUZZ_SEED") is { Length: > 0 } given ? given : Gen.Seed.Single();

    /// <summary>
    /// <paramref name="ciDefault"/> times the <c>HTTPRAFT_FUZZ_ITERATIONS</c> multiplier (default 1), at least 1 input.
    /// A fraction shortens the run: the mutation run (tests/mutation.sh) runs the fuzz once per mutant it covers.
    /// </summary>
    public static long Iterations(long ciDefault)
    {
        var text = Environment.GetEnvironmentVariable("HTTPRAFT_FUZZ_ITERATIONS");
        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var factor) && factor > 0
            ? Math.Max(1, (long)Math.Ceiling(ciDefault * factor))
            : ciDefault;
    }

    /// <summary>The line a run prints first, so any run can be repeated.</summary>
    public static string Describe(string target, long iterations) =>
        $"fuzz {target}: {iterations} inputs, seed {Seed} (replay: HTTPRAFT_FUZZ_SEED={Seed}; longer: HTTPRAFT_FUZZ_ITERATIONS=<multiplier>)";
}

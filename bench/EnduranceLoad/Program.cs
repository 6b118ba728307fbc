using System.Runtime.InteropServices;
using EnduranceLoad;

// EnduranceLoad --endpoints H:P,H:P,... [options]: the load of bench/endurance.sh. Each of --clients loops posts a batch
// of --batch entries of --entry-bytes bytes to POST /log on whichever node leads (found through GET /status, followed
// through 307s and found again after a refused connection or a 503), one request in flight per client. Every
// --interval seconds it prints one INTERVAL line (answers, entries appended, percentiles of the 201s' latency); on
// SIGTERM or SIGINT, or once --total entries were appended, it lets the requests in flight finish and prints the last
// INTERVAL line and a DONE line over the whole run. See bench/README.md.
LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"EnduranceLoad: {e.Message}").ConfigureAwait(false);
    return 2;
}

using var stopping = new CancellationTokenSource();
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var load = new Load(options, Console.Out);
await load.RunAsync(stopping.Token).ConfigureAwait(false);
return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stopping.Cancel();
}

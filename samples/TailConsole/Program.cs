using System.Globalization;
using HttpRaft.Client;
using Microsoft.Extensions.DependencyInjection;

// Follows an HttpRaft cluster's log and prints each entry as it commits, across leader changes and node failures.
//   dotnet run --project samples/TailConsole -- localhost:9000,localhost:9001,localhost:9002 [fromIndex]
var endpoints = args.Length > 0 ? args[0] : "localhost:9000";
var from = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 1;

var services = new ServiceCollection();
services.AddHttpRaftClient(options =>
{
    foreach (var endpoint in endpoints.Split(',')) options.Endpoints.Add(endpoint);
    options.ApiKey = Environment.GetEnvironmentVariable("HTTPRAFT_API_KEY");
});
await using var provider = services.BuildServiceProvider();
var raft = provider.GetRequiredService<HttpRaftClient>();

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    await foreach (var entry in raft.TailAsync(from, stop.Token))
    {
        Console.WriteLine($"{entry.Index,8}  {entry.Entry}");
    }
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    // Ctrl+C: done.
}
catch (LogCompactedException e)
{
    // Retention deleted the entries from `from` on; the log now starts at e.FirstIndex.
    await Console.Error.WriteLineAsync($"Entries before {e.FirstIndex} were deleted by retention; start again from {e.FirstIndex}.");
    return 1;
}
return 0;

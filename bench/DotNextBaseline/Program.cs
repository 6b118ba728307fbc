using System.Text.Json;
using System.Text.Json.Serialization;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.Http;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using DotNextBaseline;
using Microsoft.AspNetCore.Connections;

// DotNextBaseline ID URL0 URL1 URL2 DATA: node ID of a three-node DotNext.AspNetCore.Cluster whose members listen on the
// three URLs (Raft messages and the API share each node's port). POST /log takes {"entry": "..."}, replicates the
// entry's UTF-8 bytes through DotNext's write-ahead log in DATA and answers 201 {"index": n, "term": t} once the entry
// is committed and applied; a node that does not lead answers 503. GET /status says {"role": "Leader"} or "Follower".
if (args.Length != 5 || !int.TryParse(args[0], out var id) || id is < 0 or > 2)
{
    Console.Error.WriteLine("usage: DotNextBaseline ID(0-2) URL0 URL1 URL2 DATA_DIRECTORY");
    return 2;
}
var members = args[1..4].Select(url => new Uri(url, UriKind.Absolute)).ToArray();
var data = Path.GetFullPath(args[4]);

var builder = WebApplication.CreateBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddConsole();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.UseUrls(members[id].ToString());
// DotNext's defaults otherwise: election timeouts, HTTP/1.1 between members, request journal.
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["publicEndPoint"] = members[id].ToString(),
    ["coldStart"] = "false",
    ["partitioning"] = "false",
});
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, BaselineJsonContext.Default));
builder.Services
    .UseInMemoryConfigurationStorage(list => { foreach (var member in members) list.Add(new UriEndPoint(member)); })
    .UseStateMachine<CountingStateMachine>(new WriteAheadLog.Options
    {
        Location = Path.Combine(data, "wal"),
        // The default chunk is one page, so a long run opens a file per 4 KiB and runs out of descriptors.
        // Its flush on commit is always on in 6.12 (FlushOnCommit is obsolete): a commit flushes the log before it is
        // applied, on the leader as on each follower, but a follower answers AppendEntries before that (bench/README.md).
        ChunkSize = 1 << 20,
        // Its default writes through a memory-mapped chunk (msync); BASELINE_WAL_MEMORY=private measures its other strategy.
        MemoryManagement = Environment.GetEnvironmentVariable("BASELINE_WAL_MEMORY") == "private"
            ? WriteAheadLog.MemoryManagementStrategy.PrivateMemory
            : WriteAheadLog.MemoryManagementStrategy.SharedMemory,
    })
    .AddSingleton(new DirectoryInfo(Path.Combine(data, "state")));
builder.JoinCluster();

var app = builder.Build();
await app.RestoreStateAsync<CountingStateMachine>(CancellationToken.None).ConfigureAwait(false);
app.UseConsensusProtocolHandler();
app.MapGet("/status", (IRaftCluster cluster) => Results.Ok(new NodeStatus(cluster.LeadershipToken.IsCancellationRequested ? "Follower" : "Leader", cluster.Term)));
app.MapPost("/log", async (AppendRequest request, IRaftCluster cluster, CancellationToken aborted) =>
{
    if (request.Entry is null) return Results.BadRequest();
    var applied = new AppliedAt();
    try
    {
        await cluster.ReplicateAsync(System.Text.Encoding.UTF8.GetBytes(request.Entry), applied, aborted).ConfigureAwait(false);
    }
    catch (InvalidOperationException)
    {
        // NotLeaderException derives from it: this node does not lead (any more).
        return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
    }
    return Results.Created((string?)null, new AppendedEntry(applied.Index, applied.Term));
});
await app.RunAsync().ConfigureAwait(false);
return 0;

namespace DotNextBaseline
{
    /// <summary>The body of <c>POST /log</c>, as HttpRaft reads it.</summary>
    /// <param name="Entry">The entry's text.</param>
    internal sealed record AppendRequest(string? Entry);

    /// <summary>The answer to <c>POST /log</c>, in HttpRaft's shape.</summary>
    /// <param name="Index">The entry's index in DotNext's log.</param>
    /// <param name="Term">The term it was appended in.</param>
    internal sealed record AppendedEntry(long Index, long Term);

    /// <summary>The answer to <c>GET /status</c>: enough for bench/run.sh to find the leader.</summary>
    /// <param name="Role">"Leader" or "Follower".</param>
    /// <param name="Term">The node's current term.</param>
    internal sealed record NodeStatus(string Role, long Term);

    /// <summary>Source-generated JSON for the bodies, with web (camelCase) naming.</summary>
    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
    [JsonSerializable(typeof(AppendRequest))]
    [JsonSerializable(typeof(AppendedEntry))]
    [JsonSerializable(typeof(NodeStatus))]
    internal sealed partial class BaselineJsonContext : JsonSerializerContext;

    /// <summary>Where the state machine reports the index an append was applied at, handed through the entry's context.</summary>
    internal sealed class AppliedAt
    {
        public long Index { get; set; }

        public long Term { get; set; }
    }

    /// <summary>
    /// The replicated state: a count of applied entries. It never asks for a snapshot, so the write-ahead log keeps every
    /// entry, as HttpRaft's does without retention.
    /// </summary>
    internal sealed class CountingStateMachine(DirectoryInfo location) : SimpleStateMachine(location)
    {
        private long count;

        protected override ValueTask<bool> ApplyAsync(LogEntry entry, CancellationToken token)
        {
            count++;
            if (entry.Context is AppliedAt applied)
            {
                applied.Index = entry.Index;
                applied.Term = entry.Term;
            }
            return new(false);
        }

        protected override ValueTask PersistAsync(DotNext.IO.IAsyncBinaryWriter writer, CancellationToken token)
        {
            var buffer = BitConverter.GetBytes(count);
            return writer.Invoke(buffer, token);
        }

        protected override async ValueTask RestoreAsync(FileInfo snapshotFile, CancellationToken token)
        {
            var buffer = await File.ReadAllBytesAsync(snapshotFile.FullName, token).ConfigureAwait(false);
            count = BitConverter.ToInt64(buffer);
        }
    }
}

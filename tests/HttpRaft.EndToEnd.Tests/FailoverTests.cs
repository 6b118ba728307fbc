using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace HttpRaft.EndToEnd.Tests;

/// <summary>A three-node cluster of real processes loses its leader to a crash and carries on.</summary>
public sealed class FailoverTests(ITestOutputHelper output, Report report) : IClassFixture<Report>
{
    private static readonly TimeSpan ElectionDeadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AppendDeadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Killing_the_leader_elects_a_new_one_that_keeps_every_acknowledged_entry()
    {
        await using var cluster = LocalCluster.Start(3);
        try
        {
            var (leader, leaderStatus) = await cluster.WaitForLeaderAsync(cluster.Nodes, afterTerm: 0, ElectionDeadline);
            output.WriteLine($"node {leader.Id} ({leader.Api}) leads term {leaderStatus.Term}");

            var acknowledged = new List<Acknowledged>();
            for (var i = 0; i < 10; i++)
            {
                acknowledged.Add(await cluster.AppendAsync(leader, $"before crash {i}", AppendDeadline));
            }
            acknowledged.AddRange(await Task.WhenAll(Enumerable.Range(0, 10)
                .Select(i => cluster.AppendAsync(leader, $"before crash, concurrent {i}", AppendDeadline))));

            // The appends may have followed a change of leader: kill whoever leads now.
            (leader, leaderStatus) = await cluster.WaitForLeaderAsync(cluster.Nodes, afterTerm: 0, ElectionDeadline);
            await AFollowerPointsAtTheLeader(cluster, cluster.Nodes.First(n => n != leader), leader);

            var stopwatch = Stopwatch.StartNew();
            leader.Process.Kill();
            var survivors = cluster.Nodes.Where(n => n != leader).ToList();
            var (newLeader, newStatus) = await cluster.WaitForLeaderAsync(survivors, leaderStatus.Term, ElectionDeadline);
            var electionTime = stopwatch.Elapsed;
            report.Line(output, $"Re-election: killed leader node {leader.Id} (term {leaderStatus.Term}); node {newLeader.Id} leads term {newStatus.Term} after {electionTime.TotalMilliseconds:0} ms");

            for (var i = 0; i < 10; i++)
            {
                acknowledged.Add(await cluster.AppendAsync(newLeader, $"after crash {i}", AppendDeadline));
            }

            var lastAcknowledged = acknowledged.Max(a => a.Index);
            foreach (var node in survivors)
            {
                await cluster.WaitForStatusAsync(node, s => s.CommitIndex >= lastAcknowledged, AppendDeadline);
            }
            var logs = new List<List<LogEntry>>();
            foreach (var node in survivors) logs.Add((await cluster.ReadLogAsync(node)).Entries);

            var common = Math.Min(logs[0].Count, logs[1].Count);
            Assert.Equal(logs[0].Take(common), logs[1].Take(common));
            foreach (var log in logs)
            {
                var byIndex = log.ToDictionary(e => e.Index);
                foreach (var ack in acknowledged)
                {
                    Assert.True(byIndex.TryGetValue(ack.Index, out var entry), $"acknowledged entry {ack} is missing");
                    Assert.Equal(ack, new Acknowledged(entry.Index, entry.Term, entry.Entry));
                }
            }
            Assert.Equal(acknowledged.Count, acknowledged.Select(a => a.Index).Distinct().Count());
            output.WriteLine($"both survivors hold all {acknowledged.Count} acknowledged entries (last index {lastAcknowledged}) and agree on {common} entries");
        }
        catch
        {
            output.WriteLine(cluster.Transcripts());
            throw;
        }
    }

    /// <summary>A follower answers the original's <c>/request</c> with the leader's API address, and redirects <c>POST /log</c> there.</summary>
    private static async Task AFollowerPointsAtTheLeader(LocalCluster cluster, ClusterNode follower, ClusterNode leader)
    {
        await cluster.WaitForStatusAsync(follower, s => s.Leader?.Api == leader.Api, ElectionDeadline);

        using var request = await cluster.Http.PostAsJsonAsync(follower.ApiUri("/request"), new { entry = "via a follower" });
        Assert.Equal(HttpStatusCode.OK, request.StatusCode);
        using var answer = JsonDocument.Parse(await request.Content.ReadAsStringAsync());
        Assert.False(answer.RootElement.GetProperty("success").GetBoolean());
        Assert.Equal(leader.Api, answer.RootElement.GetProperty("leader").GetString());

        using var append = await cluster.Http.PostAsJsonAsync(follower.ApiUri("/log"), new { entry = "via a follower" });
        Assert.Equal(HttpStatusCode.TemporaryRedirect, append.StatusCode);
        Assert.Equal(leader.ApiUri("/log"), append.Headers.Location);
        using var redirect = JsonDocument.Parse(await append.Content.ReadAsStringAsync());
        Assert.Equal(leader.Api, redirect.RootElement.GetProperty("leader").GetString());
    }
}

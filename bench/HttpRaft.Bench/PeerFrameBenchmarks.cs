using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using HttpRaft.AspNetCore.Peers;
using HttpRaft.Consensus;

namespace HttpRaft.Bench;

/// <summary>
/// Encoding and decoding one AppendEntries of 100-byte entries: the binary frame the peer stream uses against the
/// source-generated JSON of the per-kind routes: the measurement that chose the frame (docs/design.md §4; figures in docs/performance.md).
/// </summary>
[MemoryDiagnoser]
public class PeerFrameBenchmarks
{
    private AppendRequest append = null!;
    private byte[] frame = [];
    private byte[] json = [];
    private readonly ArrayBufferWriter<byte> output = new(1 << 20);

    [Params(1, 64)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var data = new byte[100];
        Random.Shared.NextBytes(data);
        var entries = Enumerable.Range(1, Entries).Select(i => Entry.Normal(1_000_000 + i, 7, data)).ToArray();
        append = new AppendRequest(0, 1, 7, 1_000_000, 7, entries, 1_000_000);
        PeerFrame.Write(output, append);
        frame = output.WrittenSpan.ToArray();
        json = JsonSerializer.SerializeToUtf8Bytes(append, PeerJsonContext.Default.AppendRequest);
    }

    [Benchmark(Baseline = true)]
    public int EncodeFrame()
    {
        output.ResetWrittenCount();
        PeerFrame.Write(output, append);
        return output.WrittenCount;
    }

    [Benchmark]
    public Message? DecodeFrame()
    {
        var buffer = new ReadOnlySequence<byte>(frame);
        PeerFrame.TryRead(ref buffer, 1 << 24, out var message, out _);
        return message;
    }

    [Benchmark]
    public int EncodeJson() => JsonSerializer.SerializeToUtf8Bytes(append, PeerJsonContext.Default.AppendRequest).Length;

    [Benchmark]
    public AppendRequest? DecodeJson() => JsonSerializer.Deserialize(json, PeerJsonContext.Default.AppendRequest);
}

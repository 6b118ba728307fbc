using System.Buffers;
using BenchmarkDotNet.Attributes;
using HttpRaft.AspNetCore.Peers;
using HttpRaft.Consensus;

namespace HttpRaft.Bench;

/// <summary>
/// Encoding and decoding one AppendEntries of 100-byte entries as the binary frame the peer stream uses. The JSON it
/// was measured against before binary was chosen (about ten times the cost) is gone with the JSON routes; the
/// figures are in docs/performance.md.
/// </summary>
[MemoryDiagnoser]
public class PeerFrameBenchmarks
{
    private AppendRequest append = null!;
    private byte[] frame = [];
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
}

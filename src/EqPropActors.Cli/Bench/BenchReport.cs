using System.Text.Json;
using System.Text.Json.Serialization;
using EqPropActors.Core.Engines.Profiling;

namespace EqPropActors.Cli.Bench;

/// <summary>Everything one <c>eqprop bench</c> run measured; <see cref="ToJson"/> is what <c>--json</c> prints.</summary>
public sealed record BenchReport(CpuDescription Cpu, double MatmulGflops, IReadOnlyList<BenchRow> Rows, PeerDescription? Peer)
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options);
}

/// <summary>
/// One engine (or the peer) on one configuration. <see cref="SecondsPerEpoch"/> is for 60,000 samples (MNIST's and
/// Fashion-MNIST's training sets); <see cref="Gflops"/> counts the same multiply-adds for every engine and the peer.
/// </summary>
public sealed record BenchRow(
    string Network,
    [property: JsonPropertyName("T1")] int T1,
    [property: JsonPropertyName("T2")] int T2,
    int Batch,
    string Engine,
    int Threads,
    double SamplesPerSecond,
    double SecondsPerEpoch,
    double Gflops)
{
    public const int EpochSamples = 60_000;

    /// <summary>Table label: the engine with its threads or groups.</summary>
    [JsonIgnore]
    public string Label { get; init; } = Engine;

    /// <summary>Batch engine only: shares of the time from a separate profiled pass.</summary>
    public TimeBreakdown? TimeShares { get; init; }

    /// <summary>Our samples per second over the peer's, on the same configuration and threads (when the peer ran).</summary>
    public double? RatioToPeer { get; init; }

    /// <summary>Distributed engines: activity messages and payload megabytes the groups sent per second.</summary>
    public double? MessagesPerSecond { get; init; }

    public double? MegabytesPerSecond { get; init; }

    public static BenchRow From(BenchConfiguration configuration, string engine, int threads, double samplesPerSecond, double flopsPerSecond) =>
        new(configuration.Network, configuration.T1, configuration.T2, configuration.Batch, engine, threads,
            samplesPerSecond, EpochSamples / samplesPerSecond, flopsPerSecond / 1e9);
}

/// <summary>The peer implementation that ran: which interpreter, torch version and BLAS library.</summary>
public sealed record PeerDescription(string Name, string Python, string Torch, string Blas);

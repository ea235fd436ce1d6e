using EqPropActors.Cli.Bench;
using EqPropActors.Core.Kernels;
using EqPropActors.Core.Network;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EqPropActors.Cli.Commands;

/// <summary>
/// <c>eqprop bench</c>: training throughput of the engines on the reference configurations, in samples per second,
/// seconds per 60,000-sample epoch and achieved GFLOP/s, next to this machine's measured matrix-multiply rate, where
/// the batch engine's time goes, and (<c>--peer pytorch</c>) the same algorithm in PyTorch measured in the same run.
/// </summary>
public sealed class BenchCommand : Command<BenchSettings>
{
    public override int Execute(CommandContext context, BenchSettings settings, CancellationToken cancellation)
    {
        if (Console.IsOutputRedirected)
            AnsiConsole.Profile.Width = 180; // keep the table on one line per row in logs
        var rule = ModelSettings.ParseChoice(settings.Rule, "--rule", ("vf", LearningRule.Vf), ("ep", LearningRule.Ep));
        string engine = ModelSettings.ParseChoice(settings.Engine, "--engine", ("batch", "batch"), ("actors", "actors"), ("cluster", "cluster"));
        PyTorchPeer? peer = null;
        if (settings.Peer is not null && (peer = PyTorchPeer.Find(out string whyNot)) is null)
        {
            Console.Error.WriteLine($"--peer pytorch: {whyNot}");
            return ExitCodes.Failure;
        }
        using var cluster = engine == "cluster" ? BenchCluster.Start(settings.Tls) : null;
        Progress("measuring the 512³ matrix multiply");
        double matmul = DenseKernels.MeasureMatrixMultiplyGflops();
        try
        {
            return Run(settings, rule, engine, peer, cluster, matmul, cancellation);
        }
        catch (PeerFailedException e)
        {
            Console.Error.WriteLine(e.Message);
            return ExitCodes.Failure;
        }
    }

    private static int Run(BenchSettings settings, LearningRule rule, string engine, PyTorchPeer? peer, BenchCluster? cluster, double matmul,
        CancellationToken cancellation)
    {
        var configurations = (engine == "batch" ? BenchConfiguration.Reference : BenchConfiguration.WithLargeBatch)
            .Where(c => settings.BatchSizes is not { } sizes || sizes.Contains(c.Batch));
        var rows = new List<BenchRow>();
        string? blas = null;
        foreach (var configuration in configurations)
            foreach (var variant in BenchVariant.For(engine, settings.Threads, cluster))
            {
                var (row, peerRow) = MeasureVariant(configuration, variant, rule, settings.Seconds, peer, cancellation);
                rows.Add(row);
                if (peerRow is not null)
                {
                    rows.Add(peerRow.Value.Row);
                    blas = peerRow.Value.Blas;
                }
            }
        var report = new BenchReport(CpuDescription.Current(), matmul, rows,
            peer is null ? null : new PeerDescription("pytorch", peer.Python, peer.TorchVersion, blas ?? "unknown"));
        if (settings.Json)
        {
            Console.Out.WriteLine(report.ToJson());
            return ExitCodes.Success;
        }
        BenchTable.Write(report);
        if (cluster is not null)
        {
            AnsiConsole.MarkupLine("Cluster engine, where the time goes (groups spread over the 2 workers, no update):");
            ClusterStepProfile.Write(cluster, settings.Seconds, settings.BatchSizes, cancellation);
        }
        return ExitCodes.Success;
    }

    /// <summary>
    /// One engine on one configuration: its throughput, for the batch engine also its time shares (a separate profiled
    /// pass) and, with a peer, the peer's throughput with the same threads right after it.
    /// </summary>
    private static (BenchRow Row, (BenchRow Row, string Blas)? Peer) MeasureVariant(BenchConfiguration configuration, BenchVariant variant,
        LearningRule rule, double seconds, PyTorchPeer? peer, CancellationToken cancellation)
    {
        var network = configuration.Spec(variant.Groups);
        Progress($"measuring {configuration.Network} T1 {configuration.T1} T2 {configuration.T2} batch {configuration.Batch}: {variant.Label}");
        var measured = BenchMeasurement.Measure(network, configuration.T1, configuration.T2, configuration.Batch, rule, seconds, variant.Create, cancellation);
        var row = BenchRow.From(configuration, variant.Engine, variant.Threads, measured.SamplesPerSecond, measured.FlopsPerSecond) with
        {
            Label = variant.Label,
            MessagesPerSecond = measured.MessagesPerSecond > 0 ? measured.MessagesPerSecond : null,
            MegabytesPerSecond = measured.BytesPerSecond > 0 ? measured.BytesPerSecond / 1e6 : null,
        };
        if (variant.CreateProfiled is { } profiled)
            row = row with
            {
                TimeShares = BenchMeasurement.MeasureTimeShares(network, configuration.T1, configuration.T2, configuration.Batch, rule,
                    Math.Max(0.2, seconds / 2), profiled, cancellation),
            };
        if (peer is null || variant.Engine != "batch")
            return (row, null);
        Progress($"measuring the PyTorch peer, {variant.Threads} thread(s)");
        var result = peer.Bench(configuration, variant.Threads, seconds); // a failing peer ends the run with its stderr
        double flopsPerSample = measured.FlopsPerSecond / measured.SamplesPerSecond;
        var peerRow = BenchRow.From(configuration, "pytorch", variant.Threads, result.SamplesPerSecond, flopsPerSample * result.SamplesPerSecond) with
        {
            Label = $"PyTorch peer, {variant.Threads} thread{(variant.Threads == 1 ? "" : "s")}",
        };
        return (row with { RatioToPeer = measured.SamplesPerSecond / result.SamplesPerSecond }, (peerRow, result.Blas));
    }

    /// <summary>Progress goes to stderr, so that stdout holds only the result (the JSON object with --json).</summary>
    private static void Progress(string message) => Console.Error.WriteLine(message);
}

using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using EqPropActors.Actors;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Kernels;
using EqPropActors.Core.Metrics;
using EqPropActors.Core.Network;
using EqPropActors.Core.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EqPropActors.Cli.Commands;

public sealed class BenchSettings : CommandSettings
{
    [CommandOption("--engine <ENGINE>")]
    [Description("batch (default); actors: also the actor engine (sync schedule, 1 and 4 groups per hidden layer); cluster: also the cluster engine with a coordinator (this process) and 2 worker processes on 127.0.0.1 — each next to the batch engine in the same run")]
    public string Engine { get; init; } = "batch";

    [CommandOption("--tls")]
    [Description("With --engine cluster: the nodes talk over TLS (eqprop.tls, throwaway certificates in a temporary folder), the activity links included")]
    public bool Tls { get; init; }

    [CommandOption("--seconds <S>")]
    [Description("Measuring time per configuration, after warm-up. Default: 3")]
    public double Seconds { get; init; } = 3;

    [CommandOption("--threads <N>")]
    [Description("1 or 2: the batch engine is measured single-threaded and, with 2, also with the large products split over two cores. Default: 2")]
    public int Threads { get; init; } = 2;

    [CommandOption("--rule <RULE>")]
    [Description("vf (default) or ep")]
    public string Rule { get; init; } = "vf";

    [CommandOption("--batch <SIZES>")]
    [Description("Only the configurations with these batch sizes, comma-separated (e.g. 100). Default: all")]
    public string? Batch { get; init; }

    public override ValidationResult Validate() =>
        BadBatchSize() is { } bad ? ValidationResult.Error($"--batch: '{bad}' is not a positive batch size (expected e.g. 20,100)")
        : Tls && Engine != "cluster" ? ValidationResult.Error($"--tls applies to --engine cluster only (got --engine {Engine})")
        : ValidationResult.Success();

    /// <summary>The sizes --batch names (validated), or null for all.</summary>
    public IReadOnlySet<int>? BatchSizes => Batch is null ? null : BatchTexts().Select(size => int.Parse(size, CultureInfo.InvariantCulture)).ToHashSet();

    private string[] BatchTexts() => (Batch ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private string? BadBatchSize() =>
        BatchTexts().FirstOrDefault(size => !int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out int rows) || rows < 1);
}

/// <summary>
/// <c>eqprop bench</c>: training throughput of the engines on the reference configurations, in samples per second,
/// seconds per 60,000-sample epoch and achieved GFLOP/s, next to this machine's measured matrix-multiply rate.
/// </summary>
public sealed class BenchCommand : Command<BenchSettings>
{
    /// <summary>A careful PyTorch-on-CPU implementation of 784-500-10 (T1=20, T2=4, batch 20) trains about this many
    /// samples per second on our 2-core machines (figure given in the issue; PyTorch cannot be installed here).</summary>
    private const double PyTorchReferenceSamplesPerSecond = 13_000;

    private static readonly (int[] Layers, int T1, int T2, int Batch)[] Configurations =
    [
        ([784, 500, 10], 20, 4, 20),
        ([784, 500, 10], 20, 4, 100),
        ([784, 500, 500, 10], 100, 6, 20),
    ];

    public override int Execute(CommandContext context, BenchSettings settings, CancellationToken cancellation)
    {
        if (Console.IsOutputRedirected)
            AnsiConsole.Profile.Width = 180; // keep the table on one line per row in logs
        var rule = ModelSettings.ParseChoice(settings.Rule, "--rule", ("vf", LearningRule.Vf), ("ep", LearningRule.Ep));
        string engine = ModelSettings.ParseChoice(settings.Engine, "--engine", ("batch", "batch"), ("actors", "actors"), ("cluster", "cluster"));
        using var cluster = engine == "cluster" ? BenchCluster.Start(settings.Tls) : null;
        double matmul = DenseKernels.MeasureMatrixMultiplyGflops();
        AnsiConsole.MarkupLineInterpolated($"Matrix multiply (512×512×512, our kernel, 1 thread): [bold]{matmul:F1} GFLOP/s[/]");
        var table = new Table().AddColumns("network", "T1", "T2", "batch", "engine", "samples/s", "s / 60k epoch", "GFLOP/s", "% of matmul",
            "time × batch (1 thread)", "× PyTorch ref", "activity msgs/s", "activity MB/s");
        var configurations = engine == "batch" ? Configurations : [.. Configurations, ([784, 500, 10], 20, 4, 256)];
        if (settings.BatchSizes is { } sizes)
            configurations = configurations.Where(c => sizes.Contains(c.Batch)).ToArray();
        foreach (var (layers, t1, t2, batch) in configurations)
        {
            double? baseline = null;
            foreach (var variant in Variants(settings, engine, cluster))
            {
                var network = new NetworkSpec(layers, groupsPerHiddenLayer: variant.Groups);
                var measurement = Measure(network, t1, t2, batch, rule, settings.Seconds, variant.Create, cancellation);
                baseline ??= measurement.SamplesPerSecond;
                double gflops = measurement.FlopsPerSecond / 1e9;
                bool reference = layers.Length == 3 && batch == 20;
                table.AddRow(network.Describe(), t1.ToString(), t2.ToString(), batch.ToString(), variant.Name,
                    measurement.SamplesPerSecond.ToString("F0", CultureInfo.InvariantCulture),
                    (60000 / measurement.SamplesPerSecond).ToString("F2", CultureInfo.InvariantCulture),
                    gflops.ToString("F1", CultureInfo.InvariantCulture),
                    (100 * gflops / matmul).ToString("F0", CultureInfo.InvariantCulture),
                    (baseline.Value / measurement.SamplesPerSecond).ToString("F2", CultureInfo.InvariantCulture),
                    reference ? (measurement.SamplesPerSecond / PyTorchReferenceSamplesPerSecond).ToString("F2", CultureInfo.InvariantCulture) : "",
                    measurement.MessagesPerSecond > 0 ? measurement.MessagesPerSecond.ToString("F0", CultureInfo.InvariantCulture) : "",
                    measurement.BytesPerSecond > 0 ? (measurement.BytesPerSecond / 1e6).ToString("F1", CultureInfo.InvariantCulture) : "");
            }
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"× PyTorch ref: against {PyTorchReferenceSamplesPerSecond:F0} samples/s, the throughput of a careful PyTorch CPU implementation " +
            "of the same algorithm measured on this kind of machine (quoted, not measured in this run).");
        if (cluster is not null)
        {
            AnsiConsole.MarkupLine("Cluster engine, where the time goes (groups spread over the 2 workers, no update):");
            ClusterStepProfile.Write(cluster, settings.Seconds, settings.BatchSizes, cancellation);
        }
        return ExitCodes.Success;
    }

    private sealed record Variant(string Name, int Groups, Func<NetworkSpec, int, IEngine> Create);

    /// <summary>What is measured per configuration: the batch engine first (the baseline of the ratio column).</summary>
    private static IEnumerable<Variant> Variants(BenchSettings settings, string engine, BenchCluster? cluster)
    {
        static float[] Rates(NetworkSpec network) => Enumerable.Repeat(0.01f, network.PairCount).ToArray();
        yield return new Variant("batch, 1 thread", 1, (network, rows) => new BatchEngine(network, rows, Rates(network)));
        if (settings.Threads >= 2)
            yield return new Variant("batch, 2 threads", 1, (network, rows) => new BatchEngine(network, rows, Rates(network), threads: 2));
        if (engine == "actors")
        {
            yield return new Variant("actors sync", 1, (network, rows) => new ActorEngine(network, rows, Rates(network)));
            yield return new Variant("actors sync, 4 groups/layer", 4, (network, rows) => new ActorEngine(network, rows, Rates(network)));
        }
        if (cluster is not null)
        {
            yield return new Variant("cluster sync, 2 workers", 1, (network, rows) => cluster.Engine(network, rows, Rates(network)));
            yield return new Variant("cluster sync, 2 workers, 4 groups/layer", 4, (network, rows) => cluster.Engine(network, rows, Rates(network)));
            yield return new Variant("cluster sync, all groups on 1 worker", 1, (network, rows) => cluster.CoLocatedEngine(network, rows, Rates(network)));
        }
    }

    /// <summary>Throughput; for the actor engines also the activity messages and payload bytes groups sent per second.</summary>
    public sealed record Measurement(double SamplesPerSecond, double FlopsPerSecond, double MessagesPerSecond = 0, double BytesPerSecond = 0);

    /// <summary>Trains on random inputs (real phases and updates) for a fixed time after a warm-up.</summary>
    public static Measurement Measure(NetworkSpec network, int freeSteps, int nudgedSteps, int rows, LearningRule rule, double seconds,
        Func<NetworkSpec, int, IEngine> create, CancellationToken cancellation = default)
    {
        using var engine = create(network, rows);
        engine.LoadParameters(WeightInitializer.Create(network.LayerSizes, rule == LearningRule.Ep ? 0 : 90, seed: 1), null);
        var batch = Minibatch.Random(network, rows, seed: 1);
        var plan = MinibatchPlan.Training(freeSteps, nudgedSteps, new RuleApplication(rule, 0.5f, false, 0f));
        double flopsPerBatch = FlopModel.PerMinibatch(network, rows, plan);

        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed.TotalSeconds < Math.Max(1, seconds / 2)) // fresh worker processes need it: tiered JIT
            engine.Run(batch, plan, 0.5f, 1e-3f);
        long batches = 0, messages = 0, bytes = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            cancellation.ThrowIfCancellationRequested();
            var statistics = engine.Run(batch, plan, 0.5f, 1e-3f).Statistics;
            (messages, bytes) = (messages + statistics.Messages, bytes + statistics.Bytes);
            batches++;
        }
        double elapsed = clock.Elapsed.TotalSeconds;
        return new Measurement(batches * rows / elapsed, batches * flopsPerBatch / elapsed, messages / elapsed, bytes / elapsed);
    }
}

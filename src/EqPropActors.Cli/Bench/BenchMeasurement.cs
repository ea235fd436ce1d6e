using System.Diagnostics;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Engines.Profiling;
using EqPropActors.Core.Metrics;
using EqPropActors.Core.Network;

namespace EqPropActors.Cli.Bench;

/// <summary>Throughput; for the actor engines also the activity messages and payload bytes groups sent per second.</summary>
public sealed record Measurement(double SamplesPerSecond, double FlopsPerSecond, double MessagesPerSecond = 0, double BytesPerSecond = 0);

/// <summary>Trains an engine on random inputs (real phases and updates, the VF or EP rule) and times it.</summary>
public static class BenchMeasurement
{
    public const float Dt = 0.5f, Beta = 0.5f;

    /// <summary>Samples per second over <paramref name="seconds"/> after a warm-up.</summary>
    public static Measurement Measure(NetworkSpec network, int freeSteps, int nudgedSteps, int rows, LearningRule rule, double seconds,
        Func<NetworkSpec, int, IEngine> create, CancellationToken cancellation = default)
    {
        using var engine = Prepared(create(network, rows), network, rule);
        var (batch, plan) = Workload(network, freeSteps, nudgedSteps, rows, rule);
        double flopsPerBatch = FlopModel.PerMinibatch(network, rows, plan);

        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed.TotalSeconds < Math.Max(1, seconds / 2)) // fresh worker processes need it: tiered JIT
            engine.Run(batch, plan, Dt, 1e-3f);
        long batches = 0, messages = 0, bytes = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            cancellation.ThrowIfCancellationRequested();
            var statistics = engine.Run(batch, plan, Dt, 1e-3f).Statistics;
            (messages, bytes) = (messages + statistics.Messages, bytes + statistics.Bytes);
            batches++;
        }
        double elapsed = clock.Elapsed.TotalSeconds;
        return new Measurement(batches * rows / elapsed, batches * flopsPerBatch / elapsed, messages / elapsed, bytes / elapsed);
    }

    /// <summary>
    /// Where the time goes, from a separate profiled pass (its timestamps would perturb the throughput measured above).
    /// Runs right after <see cref="Measure"/> of the same variant, so the code it runs is already compiled.
    /// </summary>
    public static TimeBreakdown MeasureTimeShares(NetworkSpec network, int freeSteps, int nudgedSteps, int rows, LearningRule rule,
        double seconds, Func<NetworkSpec, int, TimeBreakdownRecorder, IEngine> createProfiled, CancellationToken cancellation = default)
    {
        var recorder = new TimeBreakdownRecorder();
        using var engine = Prepared(createProfiled(network, rows, recorder), network, rule);
        var (batch, plan) = Workload(network, freeSteps, nudgedSteps, rows, rule);
        for (int i = 0; i < 3; i++) // first touch of this engine's buffers
            engine.Run(batch, plan, Dt, 1e-3f);
        recorder.Reset();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            cancellation.ThrowIfCancellationRequested();
            engine.Run(batch, plan, Dt, 1e-3f);
        }
        return recorder.Shares();
    }

    private static IEngine Prepared(IEngine engine, NetworkSpec network, LearningRule rule)
    {
        engine.LoadParameters(WeightInitializer.Create(network.LayerSizes, rule == LearningRule.Ep ? 0 : 90, seed: 1), null);
        return engine;
    }

    private static (Minibatch Batch, MinibatchPlan Plan) Workload(NetworkSpec network, int freeSteps, int nudgedSteps, int rows, LearningRule rule) =>
        (Minibatch.Random(network, rows, seed: 1), MinibatchPlan.Training(freeSteps, nudgedSteps, new RuleApplication(rule, Beta, false, 0f)));
}

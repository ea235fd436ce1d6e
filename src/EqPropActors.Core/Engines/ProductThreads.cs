using System.Diagnostics;
using EqPropActors.Core.Kernels;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Engines;

/// <summary>
/// The thread count the batch engine runs with when the user does not give one: two only where the second core
/// measurably pays. Whether it does depends on the shapes (narrow layers and small batches leave little to split),
/// on the machine and on what else runs on it, so the rule is a short measurement at start-up rather than a formula:
/// minibatches of this very network and plan, on random data, timed on a one-thread and a two-thread engine in turn
/// for about <see cref="MeasurementBudget"/> (at least three each). Whole minibatches, not products alone: the
/// element-wise work stays on one thread, and the helper's wake-ups cost time only a whole minibatch shows. Two
/// threads are chosen when the median minibatch is at least <see cref="RequiredSpeedup"/> times faster with them; the
/// margin keeps a noisy measurement from choosing a second core that does not pay. The thread count never changes
/// the results (every element is computed by one thread).
/// </summary>
public static class ProductThreads
{
    public const double RequiredSpeedup = 1.10;

    public static readonly TimeSpan MeasurementBudget = TimeSpan.FromMilliseconds(60);

    /// <summary>The choice and what it rests on: the measured speedup of two threads (NaN when nothing was measured).</summary>
    public sealed record Choice(int Threads, double MeasuredSpeedup, string Reason)
    {
        public string Describe() => $"{Threads} thread{(Threads == 1 ? "" : "s")}: {Reason}";
    }

    /// <param name="plan">The run's minibatch plan (fixed phase lengths: a settling phase would relax random data for long).</param>
    public static Choice Choose(NetworkSpec network, int rows, MinibatchPlan plan)
    {
        if (Environment.ProcessorCount < 2)
            return new Choice(1, double.NaN, "one core");
        if (!HasProductLargeEnoughToSplit(network, rows))
            return new Choice(1, double.NaN, "no product large enough to split");

        double speedup = MeasureSpeedupOfTwoThreads(network, rows, plan);
        return new Choice(speedup >= RequiredSpeedup ? 2 : 1, speedup,
            $"two measured {speedup:F2}× one on whole minibatches, {RequiredSpeedup:F2}× needed");
    }

    /// <summary>Whether any drive or update product reaches <see cref="TwoCoreProductScheduler.SplitThreshold"/>.</summary>
    private static bool HasProductLargeEnoughToSplit(NetworkSpec network, int rows) =>
        network.FreeGroups.Any(group => network.SourcesOf(group)
            .Any(source => (long)rows * source.Size * group.PaddedSize >= TwoCoreProductScheduler.SplitThreshold));

    /// <summary>Median minibatch time on one thread over that on two; the engines take turns, so a neighbour's load falls on both alike.</summary>
    private static double MeasureSpeedupOfTwoThreads(NetworkSpec network, int rows, MinibatchPlan plan)
    {
        // Learning rates of 0: the weights, hence the work, stay the same from one minibatch to the next.
        var rates = new float[network.PairCount];
        using var one = new BatchEngine(network, rows, rates, threads: 1);
        using var two = new BatchEngine(network, rows, rates, threads: 2);
        var weights = WeightInitializer.Create(network.LayerSizes, 90, seed: 1);
        one.LoadParameters(weights, null);
        two.LoadParameters(weights, null);
        var batch = Minibatch.Random(network, rows, seed: 1);
        Seconds(one, batch, plan); // warm-up: JIT, caches, the helper thread's first wake
        Seconds(two, batch, plan);

        List<double> onOne = [], onTwo = [];
        var clock = Stopwatch.StartNew();
        while (onOne.Count < 3 || (clock.Elapsed < MeasurementBudget && onOne.Count < 1000))
        {
            onOne.Add(Seconds(one, batch, plan));
            onTwo.Add(Seconds(two, batch, plan));
        }
        return Median(onOne) / Median(onTwo);
    }

    private static double Seconds(IEngine engine, Minibatch batch, MinibatchPlan plan)
    {
        long start = Stopwatch.GetTimestamp();
        engine.Run(batch, plan, 0.5f, 1e-3f);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}

using System.Diagnostics;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Kernels;

/// <summary>
/// The thread count the batch engine runs with when the user does not give one: two only where the second core
/// measurably pays. Whether it does depends on the shapes (narrow layers and small batches leave little to split),
/// on the machine and on what else runs on it, so the rule is a short measurement at start-up rather than a formula:
/// the products of one minibatch of this very network, timed on one and on two threads, alternately, for about
/// <see cref="MeasurementBudget"/>. Two threads are chosen when the minibatch's products are at least
/// <see cref="RequiredSpeedup"/> times faster with them; the margin keeps noise from choosing a second core that
/// would not pay. The thread count never changes the results (every element is computed by one thread).
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

    /// <param name="rows">The minibatch size.</param>
    /// <param name="stepsPerMinibatch">Relaxation steps of all phases of a minibatch (T1 + T2, plus the third phase's).</param>
    public static Choice Choose(NetworkSpec network, int rows, int stepsPerMinibatch)
    {
        if (Environment.ProcessorCount < 2)
            return new Choice(1, double.NaN, "one core");
        var products = ProductsOfOneMinibatch(network, rows, stepsPerMinibatch);
        if (!products.Any(p => (long)p.Rows * p.K * p.N >= TwoCoreProductScheduler.SplitThreshold))
            return new Choice(1, double.NaN, "no product large enough to split");

        double speedup = MeasureSpeedupOfTwoThreads(products);
        string measured = $"two measured {speedup:F2}× on the products, {RequiredSpeedup:F2}× needed";
        return new Choice(speedup >= RequiredSpeedup ? 2 : 1, speedup, measured);
    }

    /// <summary>One kind of product of a minibatch: its shape and how many times a minibatch runs it.</summary>
    private sealed class Product(bool isUpdate, int rows, int k, int n, int count)
    {
        public bool IsUpdate { get; } = isUpdate;
        public int Rows { get; } = rows;
        public int K { get; } = k;
        public int N { get; } = n;
        public int Count { get; set; } = count;
        public float[] A { get; } = Filled(rows * k, 0.25f);
        public float[] W { get; } = Filled(k * n, 0.5f);
        public float[] Initial { get; } = Filled(rows * n, 1f);
        public float[] C { get; } = new float[rows * n];
        public List<double> OneThread { get; } = [];
        public List<double> TwoThreads { get; } = [];

        private static float[] Filled(int length, float value)
        {
            var values = new float[length];
            Array.Fill(values, value);
            return values;
        }

        /// <summary>Runs it once; the update's gradient scale of 0 leaves the weights as they are, so repeats stay alike.</summary>
        public double SecondsOn(ProductScheduler scheduler)
        {
            long start = Stopwatch.GetTimestamp();
            if (IsUpdate)
                scheduler.ApplyOuterProductUpdate(A, 0, K, Initial, N, Rows, K, N, W, N, null, 0f, 0f, 0.01f);
            else
                scheduler.MultiplyAdd(A, 0, K, W, N, Initial, N, C, N, Rows, K, N);
            return Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
    }

    /// <summary>
    /// The batch engine's products per minibatch: the clamped input's drive once, the drive between free groups every
    /// step, and one weight update per block.
    /// </summary>
    private static List<Product> ProductsOfOneMinibatch(NetworkSpec network, int rows, int stepsPerMinibatch)
    {
        var byShape = new Dictionary<(bool, int, int), Product>();
        void Add(bool isUpdate, int k, int n, int count)
        {
            if (byShape.TryGetValue((isUpdate, k, n), out var known))
                known.Count += count;
            else
                byShape[(isUpdate, k, n)] = new Product(isUpdate, rows, k, n, count);
        }
        foreach (var group in network.FreeGroups)
            foreach (var source in network.SourcesOf(group))
            {
                Add(false, source.Size, group.PaddedSize, source.Layer == 0 ? 1 : stepsPerMinibatch);
                Add(true, source.Size, group.PaddedSize, 1);
            }
        return [.. byShape.Values];
    }

    /// <summary>
    /// Minibatch time on one thread over that on two, each the sum of count × median time per product. One and two
    /// threads alternate round by round, so that a neighbour's load falls on both alike.
    /// </summary>
    private static double MeasureSpeedupOfTwoThreads(List<Product> products)
    {
        var one = ProductScheduler.SingleThreaded;
        using var two = new TwoCoreProductScheduler();
        foreach (var product in products) // warm-up: caches, and the helper thread's first wake
        {
            product.SecondsOn(one);
            product.SecondsOn(two);
        }
        var clock = Stopwatch.StartNew();
        for (int round = 0; round < 3 || (clock.Elapsed < MeasurementBudget && round < 1000); round++)
            foreach (var product in products)
            {
                product.OneThread.Add(product.SecondsOn(one));
                product.TwoThreads.Add(product.SecondsOn(two));
            }
        double oneThread = products.Sum(p => p.Count * Median(p.OneThread));
        double twoThreads = products.Sum(p => p.Count * Median(p.TwoThreads));
        return oneThread / twoThreads;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}

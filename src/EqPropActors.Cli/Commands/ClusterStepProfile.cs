using System.Diagnostics;
using System.Globalization;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;
using Spectre.Console;

namespace EqPropActors.Cli.Commands;

/// <summary>
/// Where a cluster minibatch's time goes: the same minibatch relaxed for 20 + 4 and for 1 + 1 steps (no update);
/// the difference over the 22 extra steps is the cost of one synchronous step (an activity exchange between the
/// workers), the rest is the coordinator's messages (start, phases, reports). The same 20 + 4 steps with the update
/// give what the update adds: its computation, the end-of-phase rates it needs, and the refreshed drive weights.
/// </summary>
public static class ClusterStepProfile
{
    public static void Write(BenchCluster cluster, double seconds, IReadOnlySet<int>? batchSizes, CancellationToken cancellation)
    {
        var table = new Table().AddColumns("network", "batch", "activity bytes per step (all groups)", "ms / minibatch, 20 + 4 steps", "ms / minibatch, 1 + 1 steps",
            "ms per step", "ms of coordinator messages", "ms / minibatch, 20 + 4 steps + update");
        var network = new NetworkSpec([784, 500, 10]);
        foreach (int rows in new[] { 1, 20, 100, 256 }.Where(rows => batchSizes is null || batchSizes.Contains(rows)))
        {
            using var engine = cluster.Engine(network, rows, [0.01f, 0.01f]);
            engine.LoadParameters(WeightInitializer.Create(network.LayerSizes, 90, seed: 1), null);
            var batch = Minibatch.Random(network, rows, seed: 1);
            var (full, statistics) = MillisecondsPerMinibatch(engine, batch, 20, 4, UpdateMode.None, seconds / 3, cancellation);
            var (shortest, _) = MillisecondsPerMinibatch(engine, batch, 1, 1, UpdateMode.None, seconds / 3, cancellation);
            var (updating, _) = MillisecondsPerMinibatch(engine, batch, 20, 4, UpdateMode.Apply, seconds / 3, cancellation);
            double perStep = (full - shortest) / 22;
            long bytes = statistics.Bytes / (20 + 4);
            table.AddRow("784-500-10", rows.ToString(CultureInfo.InvariantCulture), bytes.ToString(CultureInfo.InvariantCulture), F(full), F(shortest), F(perStep),
                F(shortest - 2 * perStep), F(updating));
        }
        AnsiConsole.Write(table);
    }

    private static (double Milliseconds, EngineStatistics Statistics) MillisecondsPerMinibatch(IEngine engine, Minibatch batch, int free, int nudged, UpdateMode update, double seconds,
        CancellationToken cancellation)
    {
        var plan = MinibatchPlan.Training(free, nudged, new RuleApplication(LearningRule.Vf, 0.5f, false, 0f), update);
        var statistics = EngineStatistics.None;
        for (int i = 0; i < 10; i++)
            statistics = engine.Run(batch, plan, 0.5f, 1e-3f).Statistics;
        int runs = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            cancellation.ThrowIfCancellationRequested();
            engine.Run(batch, plan, 0.5f, 1e-3f);
            runs++;
        }
        return (1000 * clock.Elapsed.TotalSeconds / runs, statistics);
    }

    private static string F(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
}

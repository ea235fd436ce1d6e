using EqPropActors.Actors;
using EqPropActors.Cli.Commands;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Engines.Profiling;
using EqPropActors.Core.Network;

namespace EqPropActors.Cli.Bench;

/// <summary>
/// One engine setting measured on every configuration. <paramref name="Create"/> builds it for a network and a
/// minibatch size; <paramref name="CreateProfiled"/> (batch engine only) builds it recording where its time goes.
/// </summary>
public sealed record BenchVariant(string Label, string Engine, int Threads, int Groups, Func<NetworkSpec, int, IEngine> Create,
    Func<NetworkSpec, int, TimeBreakdownRecorder, IEngine>? CreateProfiled = null)
{
    /// <summary>The bench uses one small learning rate everywhere: the weights barely move while it measures.</summary>
    private static float[] Rates(NetworkSpec network) => Enumerable.Repeat(0.01f, network.PairCount).ToArray();

    /// <summary>The batch engine first (the baseline of the time ratio), then the engines <paramref name="engine"/> adds.</summary>
    public static IEnumerable<BenchVariant> For(string engine, int threads, BenchCluster? cluster)
    {
        for (int t = 1; t <= threads; t++)
        {
            int count = t;
            yield return new BenchVariant($"batch, {count} thread{(count == 1 ? "" : "s")}", "batch", count,
                1, (network, rows) => new BatchEngine(network, rows, Rates(network), count),
                (network, rows, recorder) => new BatchEngine(network, rows, Rates(network), count, recorder));
        }
        if (engine == "actors")
        {
            yield return new BenchVariant("actors sync", "actors sync", 1, 1, (network, rows) => new ActorEngine(network, rows, Rates(network)));
            yield return new BenchVariant("actors sync, 4 groups/layer", "actors sync, 4 groups/layer", 1, 4,
                (network, rows) => new ActorEngine(network, rows, Rates(network)));
        }
        if (cluster is not null)
        {
            yield return new BenchVariant("cluster sync, 2 workers", "cluster sync, 2 workers", 1, 1,
                (network, rows) => cluster.Engine(network, rows, Rates(network)));
            yield return new BenchVariant("cluster sync, 2 workers, 4 groups/layer", "cluster sync, 2 workers, 4 groups/layer", 1, 4,
                (network, rows) => cluster.Engine(network, rows, Rates(network)));
            yield return new BenchVariant("cluster sync, all groups on 1 worker", "cluster sync, all groups on 1 worker", 1, 1,
                (network, rows) => cluster.CoLocatedEngine(network, rows, Rates(network)));
        }
    }
}

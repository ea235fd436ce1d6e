using EqPropActors.Actors.Schedules;
using EqPropActors.Cluster.Tests.TestSupport;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Cluster.Tests;

/// <summary>
/// The largest messages cross the network whole: a 784-1000-10 network at batch 256, with the hidden and the output
/// group on different worker processes, sends 256 × 1008 floats (1 MB) per activity block and 3 MB of weights per
/// parameter transfer — far beyond Akka's default 128 kB frame. Drive delegation is off: with it the output group
/// would receive its 10-wide drive each step, and only the phase-end rates would be this large.
/// </summary>
public sealed class LargeMessageTests
{
    [Fact]
    public void TheLargestBlockOf784x1000x10AtBatch256ArrivesIntact()
    {
        var run = new TrainingRun([784, 1000, 10], groupsPerHiddenLayer: 1, rows: 256, batches: 1, momentum: 0f);
        var (largest, what) = MessageSizes.Largest(run.Network, 256);
        Assert.True(largest > 1_000_000, $"the largest message is only {largest} bytes ({what})");

        var (expected, _) = run.TrainOnBatchEngine();
        using var cluster = LoopbackCluster.Start(workers: 2);
        using var engine = new ClusterEngine(cluster.Coordinator, run.Network, run.Rows, run.LearningRates, new ScheduleSettings(DelegateDrive: false));
        Assert.NotEqual(engine.Placement["L1G0"], engine.Placement["L2G0"]);
        var (weights, reports) = run.Train(engine);

        Assert.True(expected.BitwiseEquals(weights, out string? difference), $"first difference at {difference}");
        long activityBytes = reports[0].Statistics.Bytes;
        Assert.True(activityBytes > 256L * 1000 * 4, $"only {activityBytes} activity bytes were sent");
    }
}

using EqPropActors.Actors.Schedules;
using EqPropActors.Core.Dynamics;
using EqPropActors.Cluster.Hosting;
using EqPropActors.Cluster.Tests.TestSupport;

namespace EqPropActors.Cluster.Tests;

/// <summary>
/// The synchronous schedule on 1, 2 and 3 processes (a coordinator and 0, 1, 2 worker processes on 127.0.0.1)
/// ends with the batch engine's weights, bit for bit: the same kernel runs in the same order, and what crosses the
/// network are exact copies of the float32 values.
/// </summary>
public sealed class ClusterEquivalenceTests
{
    private static readonly TrainingRun Run = new([30, 16, 12, 10], groupsPerHiddenLayer: 2, rows: 6, batches: 5);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void WeightsEqualTheBatchEngineOnOneTwoAndThreeProcesses(int workers)
    {
        var (expected, expectedReports) = Run.TrainOnBatchEngine();
        using var cluster = LoopbackCluster.Start(workers);
        using var engine = new ClusterEngine(cluster.Coordinator, Run.Network, Run.Rows, Run.LearningRates);
        var (weights, reports) = Run.Train(engine);

        Assert.True(expected.BitwiseEquals(weights, out string? difference), $"first difference at {difference}");
        Assert.Equal(expectedReports.Select(r => r.LossSum), reports.Select(r => r.LossSum));
        Assert.Equal(expectedReports.Select(r => r.Errors), reports.Select(r => r.Errors));
        // The groups really are spread over the processes.
        int nodes = engine.Placement.Values.Distinct().Count();
        Assert.Equal(Math.Max(workers, 1), nodes);
        if (workers == 0)
            Assert.All(engine.Placement.Values, node => Assert.Equal("coordinator", node));
    }

    /// <summary>Continual learning moves the weights at every nudged step inside each group, wherever it runs.</summary>
    [Fact]
    public void ContinualLearningOnTwoWorkersGivesTheBatchEnginesWeights()
    {
        var run = new TrainingRun([30, 16, 12, 10], groupsPerHiddenLayer: 2, rows: 6, batches: 5, momentum: 0f, form: UpdateForm.Continual);
        var (expected, _) = run.TrainOnBatchEngine();
        using var cluster = LoopbackCluster.Start(workers: 2);
        using var engine = new ClusterEngine(cluster.Coordinator, run.Network, run.Rows, run.LearningRates, new ScheduleSettings(DelegateDrive: false));
        var (weights, _) = run.Train(engine);

        Assert.True(expected.BitwiseEquals(weights, out string? difference), $"first difference at {difference}");
    }

    /// <summary>
    /// 30-40-10 with the hidden and the output group on different workers: the hidden group sends the output its
    /// drive (computed from the synapses the output sends it after every update), not its 40 rates.
    /// </summary>
    [Fact]
    public void DelegatedDrivesAcrossWorkersGiveTheBatchEnginesWeights()
    {
        var run = new TrainingRun([30, 40, 10], groupsPerHiddenLayer: 1, rows: 6, batches: 5);
        var (expected, _) = run.TrainOnBatchEngine();
        using var cluster = LoopbackCluster.Start(workers: 2);
        using var engine = new ClusterEngine(cluster.Coordinator, run.Network, run.Rows, run.LearningRates);
        Assert.NotEqual(engine.Placement["L1G0"], engine.Placement["L2G0"]);
        var (weights, reports) = run.Train(engine);

        Assert.True(expected.BitwiseEquals(weights, out string? difference), $"first difference at {difference}");
        // Per row and step: 10 drive values up and 10 rates down, not 40 rates up.
        var first = reports[0].Statistics;
        Assert.Equal(first.Messages / 2 * run.Rows * (10 + 10) * sizeof(float), first.Bytes);
    }
}

using EqPropActors.Actors.Schedules;
using EqPropActors.Cluster.Tests.TestSupport;
using EqPropActors.Core.Engines;

namespace EqPropActors.Cluster.Tests;

/// <summary>
/// The asynchrony models (update probability, lossy and noisy channels, sigma-delta sending, a delay) run on the
/// cluster engine as on the in-process actors: groups on two worker processes, messages between them over the
/// activity links, and the engine's statistics count the losses and measure the phases against fresh states.
/// </summary>
public sealed class AsyncModelsOnClusterTests
{
    [Fact]
    public void EveryAsyncModelRunsOnTheClusterAndIsCounted()
    {
        var run = new TrainingRun([30, 24, 24, 10], groupsPerHiddenLayer: 2, rows: 8, batches: 60);
        var schedule = new ScheduleSettings(ScheduleKind.Async, Delay: 0.5, TauSpread: 0.5, SendThreshold: 0.005f, DelegateDrive: false,
            SendMode: SendMode.SigmaDelta, DropProbability: 0.1, NoiseStd: 0.01f, UpdateProbability: 0.5);
        using var cluster = LoopbackCluster.Start(workers: 2);
        using var engine = new ClusterEngine(cluster.Coordinator, run.Network, run.Rows, run.LearningRates, schedule);

        var (weights, reports) = run.Train(engine);

        Assert.Equal(run.Batches.Length, reports.Count);
        Assert.All(weights.Tensors(), t => Assert.True(t.Values.All(float.IsFinite), $"{t.Name} is not finite"));
        var statistics = reports.Select(r => r.Statistics).Aggregate(EngineStatistics.None, (a, b) => a.Add(b));
        double lostShare = (double)statistics.Lost / statistics.Messages;
        Assert.True(lostShare is > 0.05 and < 0.15, $"{statistics.Lost} of {statistics.Messages} messages lost; expected about 10 %");
        Assert.True(statistics.Suppressed > 0, "sigma-delta should have held some steps back");
        Assert.NotNull(statistics.MeanFreshResidual);
    }

    [Fact]
    public void LocalPhaseControlRunsOnTheClusterAndLearns()
    {
        // The output group's end-of-phase broadcast goes to groups on the other worker over Akka.Remote while their
        // activity takes the links: whichever comes first, every minibatch ends and the update moves the weights.
        var run = new TrainingRun([30, 24, 24, 10], groupsPerHiddenLayer: 2, rows: 8, batches: 40);
        var schedule = new ScheduleSettings(ScheduleKind.Async, DelegateDrive: false, SendThreshold: 0.005f, SendMode: SendMode.SigmaDelta,
            DropProbability: 0.05, NoiseStd: 0.01f, UpdateProbability: 0.5, PhaseControl: PhaseControl.Local);
        using var cluster = LoopbackCluster.Start(workers: 2);
        using var engine = new ClusterEngine(cluster.Coordinator, run.Network, run.Rows, run.LearningRates, schedule);

        var (weights, reports) = run.Train(engine);

        Assert.Equal(run.Batches.Length, reports.Count);
        Assert.All(weights.Tensors(), t => Assert.True(t.Values.All(float.IsFinite), $"{t.Name} is not finite"));
        var initial = run.Weights.Tensors().ToDictionary(t => t.Name, t => t.Values);
        Assert.All(weights.Tensors(), t => Assert.False(t.Values.SequenceEqual(initial[t.Name]), $"{t.Name} did not learn"));
        var statistics = reports.Select(r => r.Statistics).Aggregate(EngineStatistics.None, (a, b) => a.Add(b));
        Assert.True(statistics.Lost > 0, "the lossy channels lost nothing");
    }
}

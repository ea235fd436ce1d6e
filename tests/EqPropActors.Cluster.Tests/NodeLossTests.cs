using EqPropActors.Cluster.Hosting;
using EqPropActors.Cluster.Tests.TestSupport;

namespace EqPropActors.Cluster.Tests;

/// <summary>
/// A worker killed mid-run: the coordinator notices (unreachable, downed), re-places its groups, restores every
/// group from the last snapshot and replays the minibatches since. With the synchronous schedule the run ends with
/// exactly the weights of an undisturbed run.
/// </summary>
public sealed class NodeLossTests
{

    private static readonly TrainingRun Run = new([30, 16, 12, 10], groupsPerHiddenLayer: 2, rows: 6, batches: 7);

    [Fact]
    public void AKilledWorkersGroupsAreReplacedAndTheRunEndsAsAnUndisturbedOne()
    {
        var (expected, _) = Run.TrainOnBatchEngine();
        using var cluster = LoopbackCluster.Start(workers: 2, coordinatorExtra: "eqprop.cluster.snapshot-every = 3");
        var notices = new List<string>();
        using var engine = new ClusterEngine(cluster.Coordinator, Run.Network, Run.Rows, Run.LearningRates, notice: notices.Add);
        var (weights, _) = Run.Train(engine, between: b =>
        {
            if (b == 4) // after a snapshot (at 3) and one more minibatch, so the replay has work to do
                cluster.Workers!.Processes[0].Kill();
        });

        Assert.True(expected.BitwiseEquals(weights, out string? difference), $"first difference at {difference}");
        Assert.Equal(1, engine.Recoveries);
        Assert.Contains(notices, n => n.Contains("lost worker") && n.Contains("replaying 2 minibatch(es)"));
        Assert.Single(engine.Placement.Values.Distinct()); // everything now runs on the survivor
    }

    [Fact]
    public void WhenNoWorkerIsLeftAWorkerThatJoinsLaterTakesOver()
    {
        var (expected, _) = Run.TrainOnBatchEngine();
        using var cluster = LoopbackCluster.Start(workers: 1, coordinatorExtra: "eqprop.cluster.snapshot-every = 2");
        using var engine = new ClusterEngine(cluster.Coordinator, Run.Network, Run.Rows, Run.LearningRates);
        var (weights, _) = Run.Train(engine, between: b =>
        {
            if (b != 2)
                return;
            cluster.Workers!.Processes[0].Kill();
            // The replacement comes up while the coordinator waits for a worker.
            Task.Run(() => cluster.Workers.Start(LoopbackCluster.EqpropAssembly, cluster.SeedNode, TimeSpan.FromSeconds(60)));
        });

        Assert.True(expected.BitwiseEquals(weights, out string? difference), $"first difference at {difference}");
        Assert.Equal(1, engine.Recoveries);
    }

    [SkippableFact]
    public void AWorkerStoppedWithCtrlCLeavesGracefullyAndItsGroupsAreReplaced()
    {
        Skip.If(InheritedSignals.InterruptIgnored,
            "this test process ignores SIGINT (started in the background by a shell without job control), and so would its workers");
        var (expected, _) = Run.TrainOnBatchEngine();
        using var cluster = LoopbackCluster.Start(workers: 2, coordinatorExtra: "eqprop.cluster.snapshot-every = 4");
        var notices = new List<string>();
        using var engine = new ClusterEngine(cluster.Coordinator, Run.Network, Run.Rows, Run.LearningRates, notice: notices.Add);
        var leaving = cluster.Workers!.Processes[1];
        var (weights, _) = Run.Train(engine, between: b =>
        {
            if (b == 1)
            {
                Assert.True(ProcessSignals.Send(leaving, ProcessSignals.Interrupt), "Ctrl+C could not be sent");
                Assert.True(leaving.WaitForExit(20_000), "the worker did not leave within 20 s");
            }
        });

        Assert.Equal(0, leaving.ExitCode); // a graceful leave, not a crash
        Assert.True(expected.BitwiseEquals(weights, out string? difference), $"first difference at {difference}");
        Assert.Equal(1, engine.Recoveries);
    }

    [Fact]
    public void TheReplayStartsAtTheNewestCheckpointTheTrainerGathered()
    {
        var (expected, _) = Run.TrainOnBatchEngine();
        using var cluster = LoopbackCluster.Start(workers: 2); // snapshot-every 50: only the checkpoint counts
        var notices = new List<string>();
        using var engine = new ClusterEngine(cluster.Coordinator, Run.Network, Run.Rows, Run.LearningRates, notice: notices.Add);
        var (weights, _) = Run.Train(engine, between: b =>
        {
            if (b == 2)
            {
                // What the trainer does for a checkpoint: the weights, then the velocities, nothing trained in between.
                engine.ExportWeights();
                engine.ExportVelocity();
            }
            if (b == 4)
                cluster.Workers!.Processes[0].Kill();
        });

        Assert.True(expected.BitwiseEquals(weights, out string? difference), $"first difference at {difference}");
        Assert.Contains(notices, n => n.Contains("replaying 2 minibatch(es)"));
    }
}

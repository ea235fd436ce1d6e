using EqPropActors.Core;
using EqPropActors.Actors;
using EqPropActors.Actors.Schedules;
using EqPropActors.Cluster;
using EqPropActors.Cluster.Hosting;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Tracing;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Commands;

/// <summary>Builds the engine a configuration names.</summary>
public static class EngineFactory
{
    public static ScheduleSettings ScheduleOf(TrainingConfig config) => new(
        config.ActorSchedule == "async" ? ScheduleKind.Async : ScheduleKind.Sync,
        config.Delay, config.Jitter, config.TauSpread, config.SendThreshold, config.Seed,
        // Learning at each step reads the source's rates at that step, which a delegated drive does not bring.
        DelegateDrive: config.DelegateDrive && config.UpdateForm == Core.Dynamics.UpdateForm.TwoPhase,
        SendMode: config.SendMode == "sigma-delta" ? SendMode.SigmaDelta : SendMode.Threshold,
        DropProbability: config.DropProbability, NoiseStd: config.NoiseStd, UpdateProbability: config.UpdateProbability,
        PhaseControl: config.PhaseControl == "local" ? PhaseControl.Local : PhaseControl.Coordinator);

    private static int MaxRows(TrainingConfig config) => Math.Max(config.BatchSize, config.EvaluationBatchSize);

    public static IEngine Create(TrainingConfig config) => config.Engine switch
    {
        "batch" => new BatchEngine(config.CreateNetwork(), MaxRows(config), config.LearningRates, config.Threads),
        "actors" => new ActorEngine(config.CreateNetwork(), MaxRows(config), config.LearningRates, ScheduleOf(config)),
        "cluster" => CreateCluster(config, MaxRows(config)),
        _ => throw new ConfigurationException($"--engine: '{config.Engine}' is not available; expected batch, actors or cluster"),
    };

    /// <summary>Starts this process as the coordinator node, waits for the workers and places the groups on them.</summary>
    /// <param name="trace">eqprop trace: the groups it holds record their steps on their workers, gathered into it here.</param>
    public static ClusterEngine CreateCluster(TrainingConfig config, int maxRows, GroupwiseTrace? trace = null)
    {
        string file = config.ClusterConfig ?? throw new ConfigurationException("--engine cluster needs --cluster-config <FILE>");
        var node = ClusterNode.Start(ClusterNodeConfig.Load(file, NodeRole.Coordinator), file);
        try
        {
            node.WaitUntilUp(node.Settings.JoinTimeout);
            Console.Error.WriteLine($"cluster: coordinator {node.Name} is up at {node.Cluster.SelfAddress}; waiting for {node.Settings.ExpectedWorkers} worker(s)");
            return new ClusterEngine(node, config.CreateNetwork(), maxRows, config.LearningRates, ScheduleOf(config),
                notice: message => Console.Error.WriteLine($"cluster: {message}"), ownsNode: true, trace: trace);
        }
        catch
        {
            node.Dispose();
            throw;
        }
    }
}

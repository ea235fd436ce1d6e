using EqPropActors.Core;
using EqPropActors.Actors;
using EqPropActors.Actors.Schedules;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Commands;

/// <summary>Builds the engine a configuration names.</summary>
public static class EngineFactory
{
    public static ScheduleSettings ScheduleOf(TrainingConfig config) => new(
        config.ActorSchedule == "async" ? ScheduleKind.Async : ScheduleKind.Sync,
        config.DelaySteps, config.Jitter, config.RateSpread, config.SendThreshold, config.Seed);

    private static int MaxRows(TrainingConfig config) => Math.Max(config.BatchSize, config.EvaluationBatchSize);

    public static IEngine Create(TrainingConfig config) => config.Engine switch
    {
        "batch" => new BatchEngine(config.CreateNetwork(), MaxRows(config), config.LearningRates, config.Threads),
        "actors" => new ActorEngine(config.CreateNetwork(), MaxRows(config), config.LearningRates, ScheduleOf(config)),
        _ => throw new ConfigurationException($"--engine: '{config.Engine}' is not available; expected batch or actors"),
    };
}

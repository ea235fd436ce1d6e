using EqPropActors.Core;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Commands;

/// <summary>Builds the engine a configuration names.</summary>
public static class EngineFactory
{
    public static IEngine Create(TrainingConfig config) => config.Engine switch
    {
        "batch" => new BatchEngine(config.CreateNetwork(), Math.Max(config.BatchSize, config.EvaluationBatchSize), config.LearningRates, config.Threads),
        _ => throw new ConfigurationException($"--engine: '{config.Engine}' is not available; expected batch"),
    };
}

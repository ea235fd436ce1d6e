using System.ComponentModel;
using EqPropActors.Core.Checkpoints;
using EqPropActors.Core.Data;
using EqPropActors.Core.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EqPropActors.Cli.Commands;

public sealed class EvaluateSettings : SavedRunSettings
{
    [CommandOption("--T1 <STEPS>")]
    [Description("Free-phase steps for evaluation. Default: the run's T1")]
    public int? FreeSteps { get; init; }

    [CommandOption("--train")]
    [Description("Also evaluate the training set")]
    public bool IncludeTrain { get; init; }
}

/// <summary><c>eqprop evaluate</c>: error and loss of a saved network's free phase on the test (and training) set.</summary>
public sealed class EvaluateCommand : Command<EvaluateSettings>
{
    public override int Execute(CommandContext context, EvaluateSettings settings, CancellationToken cancellation)
    {
        var saved = SavedRun.Load(settings.Run, settings.Checkpoint, "evaluate");
        var (config, state, path) = (saved.Config, saved.State, saved.CheckpointPath);
        if (settings.FreeSteps is { } steps)
            config = config with { FreeSteps = steps };
        var data = DatasetCatalog.Load(config.Dataset, config.DataDirectory, config.TrainSamples);
        using var engine = EngineFactory.Create(config);
        engine.LoadParameters(state.Weights, state.Velocity);
        var trainer = new Trainer(config, data, engine, NoProgress.Instance);

        var table = new Table().AddColumns("set", "samples", "error", "loss");
        var (testError, testLoss) = trainer.Evaluate(data.Test, config.FreeSteps, cancellation);
        table.AddRow("test", data.Test.Count.ToString(), $"{100 * testError:F2} %", $"{testLoss:F5}");
        if (settings.IncludeTrain)
        {
            var (trainError, trainLoss) = trainer.Evaluate(data.Train, config.FreeSteps, cancellation);
            table.AddRow("train", data.Train.Count.ToString(), $"{100 * trainError:F2} %", $"{trainLoss:F5}");
        }
        AnsiConsole.MarkupLineInterpolated($"{path}: {state.Position}, {string.Join('-', config.Layers)}, free phase T1 = {config.FreeSteps}");
        AnsiConsole.Write(table);
        return ExitCodes.Success;
    }

    private sealed class NoProgress : ITrainingObserver
    {
        public static readonly NoProgress Instance = new();
        public void MinibatchCompleted(int epoch, int samplesDone, int samplesTotal) { }
        public void EvaluationStarted(int epoch) { }
        public void EpochCompleted(EpochMetrics metrics, TrainingState state) { }
        public void MinibatchCheckpoint(TrainingState state) { }
    }
}

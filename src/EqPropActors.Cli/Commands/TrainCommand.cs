using EqPropActors.Cli.Reporting;
using EqPropActors.Core.Data;
using EqPropActors.Core.Network;
using EqPropActors.Core.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EqPropActors.Cli.Commands;

/// <summary><c>eqprop train</c>: trains, evaluates every epoch and writes the run folder.</summary>
public sealed class TrainCommand : Command<TrainSettings>
{
    public override int Execute(CommandContext context, TrainSettings settings, CancellationToken cancellation)
    {
        TrainingConfig config;
        TrainingState start;
        List<EpochMetrics> history;
        RunDirectory? run;
        if (settings.Resume is { } resume)
        {
            (config, start, history) = RunDirectory.LoadForResume(resume);
            if (settings.Epochs is { } epochs)
                config = config with { Epochs = epochs };
            run = RunDirectory.Open(resume);
            Console.WriteLine($"Resuming {run.Path} after epoch {start.CompletedEpochs} of {config.Epochs}");
        }
        else
        {
            config = settings.ToConfig();
            start = new TrainingState(0, WeightInitializer.Create(config.Layers, config.InitAngleDegrees, config.Seed), null);
            history = [];
            run = settings.Out is { } output ? RunDirectory.Open(output) : null;
        }

        var data = DatasetCatalog.Load(config.Dataset, config.DataDirectory, config.TrainSamples);
        run?.WriteConfig(config);
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]{config.Rule} rule[/] on {config.Dataset} ({data.Train.Count} train / {data.Test.Count} test), {string.Join('-', config.Layers)}, engine {config.Engine}, T1={config.FreeSteps} T2={config.NudgedSteps} β={config.Beta} dt={config.Dt}, seed {config.Seed}");

        using var engine = EngineFactory.Create(config);
        var observer = new RunObserver(run, config, history);
        var trainer = new Trainer(config, data, engine, observer);
        string? diverged = null;
        try
        {
            ProgressDisplay.Run(config.Epochs - start.CompletedEpochs, display =>
            {
                observer.Display = display;
                trainer.Run(start, cancellation);
            });
        }
        catch (TrainingDivergedException e)
        {
            diverged = e.Message;
        }

        if (history.Count > 0)
        {
            var results = TrainingResults.From(history, diverged);
            run?.WriteResults(results);
            Summary.Print(results, run);
        }
        if (diverged is not null)
        {
            string kept = run is null ? "" : history.Count > 0
                ? $" The checkpoint of epoch {history[^1].Epoch} (the last good one) is in {run.File(RunDirectory.CheckpointFile)}."
                : " No epoch completed, so no checkpoint was written.";
            AnsiConsole.MarkupLineInterpolated($"[red]Training diverged:[/] {diverged}.{kept} Try a smaller --lrs or --beta.");
            return ExitCodes.Diverged;
        }
        return ExitCodes.Success;
    }
}

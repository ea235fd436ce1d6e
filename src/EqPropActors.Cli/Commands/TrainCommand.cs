using EqPropActors.Actors.Coordination;
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
            WarnAboutIgnoredOptions(context.Arguments);
            (config, start, history) = RunDirectory.LoadForResume(resume);
            if (settings.Epochs is { } epochs && epochs != config.Epochs)
            {
                if (config.Schedule == LearningRateSchedule.Cosine)
                    AnsiConsole.MarkupLineInterpolated(
                        $"[yellow]warning:[/] the cosine learning-rate schedule now spans {epochs} epochs instead of {config.Epochs}; the epochs already trained followed the old span, so the run differs from one started with --epochs {epochs}");
                config = config with { Epochs = epochs };
            }
            if (settings.CheckpointEvery is { } every)
            {
                config = config with { CheckpointEvery = every };
                config.Validate();
            }
            run = RunDirectory.Open(resume);
            if (start.MinibatchesDone == 0)
                AnsiConsole.MarkupLineInterpolated($"Resuming {run.Path} after epoch {start.CompletedEpochs} of {config.Epochs}");
            else
                AnsiConsole.MarkupLineInterpolated($"Resuming {run.Path} after {start.Position} (of {config.Epochs} epochs)");
        }
        else
        {
            config = settings.ToTrainingConfig();
            start = new TrainingState(0, WeightInitializer.Create(config.Layers, config.InitAngleDegrees, config.Seed), null);
            history = [];
            run = settings.Out is { } output ? RunDirectory.Open(output) : null;
        }

        var data = DatasetCatalog.Load(config.Dataset, config.DataDirectory, config.TrainSamples);
        using var engine = EngineFactory.Create(config);
        var observer = new RunObserver(run, config, history, settings.Resume is null ? null : start);
        var trainer = new Trainer(config, data, engine, observer); // checks the network against the data first
        run?.WriteConfig(config);
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]{config.Rule.ToString().ToLowerInvariant()} rule[/] on {config.Dataset} ({data.Train.Count} train / {data.Test.Count} test), {string.Join('-', config.Layers)}, engine {config.Engine}, T1={config.FreeSteps} T2={config.NudgedSteps} β={config.Beta} dt={config.Dt}, seed {config.Seed}");
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
        catch (OperationCanceledException)
        {
            ReportInterruption(run, observer.LastCheckpoint);
            throw;
        }
        catch (EngineFailureException e)
        {
            string kept = run is not null && observer.LastCheckpoint is { } position
                ? $" The checkpoint after {position} is in {run.File(RunDirectory.CheckpointFile)}; --resume continues from it."
                : "";
            Console.Error.WriteLine($"error: the {config.Engine} engine stopped: {e.Message}.{kept}");
            return ExitCodes.Failure;
        }

        if (history.Count > 0)
        {
            var results = TrainingResults.From(history, diverged);
            run?.WriteResults(results);
            Summary.Print(results, run);
        }
        if (diverged is not null)
        {
            string kept = run is null ? "" : observer.LastCheckpoint is { } position
                ? $" The checkpoint after {position} (the last good one) is in {run.File(RunDirectory.CheckpointFile)}."
                : " No epoch completed, so no checkpoint was written.";
            AnsiConsole.MarkupLineInterpolated($"[red]Training diverged:[/] {diverged}.{kept} Try smaller learning rates (--lrs).");
            return ExitCodes.Diverged;
        }
        return ExitCodes.Success;
    }

    private static void ReportInterruption(RunDirectory? run, string? lastCheckpoint)
    {
        if (run is null)
            AnsiConsole.MarkupLine("[yellow]Interrupted.[/] Nothing was saved (no --out folder).");
        else if (lastCheckpoint is null)
            AnsiConsole.MarkupLine("[yellow]Interrupted[/] before the first minibatch finished; nothing was saved.");
        else
            AnsiConsole.MarkupLineInterpolated(
                $"[yellow]Interrupted.[/] The checkpoint after {lastCheckpoint} is in {run.File(RunDirectory.CheckpointFile)}; 'eqprop train --resume {run.Path}' continues from it.");
    }

    /// <summary>A resumed run keeps its saved configuration; say so rather than silently ignore other options.</summary>
    private static void WarnAboutIgnoredOptions(IReadOnlyList<string> arguments)
    {
        var ignored = arguments.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a is not ("--resume" or "--epochs" or "--checkpoint-every")).ToArray();
        if (ignored.Length > 0)
            AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] --resume continues with the run's saved config.json; ignoring {string.Join(", ", ignored)} (only --epochs and --checkpoint-every can be changed)");
    }
}

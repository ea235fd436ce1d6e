using EqPropActors.Actors.Coordination;
using EqPropActors.Cli.Reporting;
using EqPropActors.Cli.Tracing;
using EqPropActors.Core.Data;
using EqPropActors.Core.Kernels;
using EqPropActors.Core.Network;
using EqPropActors.Core.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EqPropActors.Cli.Commands;

/// <summary>
/// <c>eqprop train</c>: trains, evaluates every epoch and writes the run folder. Once the folder is made, results.json
/// says how the run ended (completed, diverged, interrupted or failed) whatever happens.
/// </summary>
public sealed class TrainCommand : Command<TrainSettings>
{
    public override int Execute(CommandContext context, TrainSettings settings, CancellationToken cancellation)
    {
        TrainingConfig config;
        TrainingState start;
        List<EpochMetrics> history;
        if (settings.Resume is { } resume)
        {
            if (settings.Out is not null || settings.Overwrite)
                throw new Core.ConfigurationException("--resume continues a run in its own folder; --out and --overwrite do not go with it");
            WarnAboutIgnoredOptions(context.Arguments);
            (config, start, history) = RunDirectory.LoadForResume(resume);
            if (settings.Epochs is { } epochs && epochs != config.Epochs)
            {
                if (epochs < start.CompletedEpochs)
                    throw new Core.ConfigurationException($"--epochs {epochs}: the run in {resume} has already completed {start.CompletedEpochs} epochs");
                if (config.Schedule == LearningRateSchedule.Cosine)
                    AnsiConsole.MarkupLineInterpolated(
                        $"[yellow]warning:[/] the cosine learning-rate schedule now spans {epochs} epochs instead of {config.Epochs}; the epochs already trained followed the old span, so the run differs from one started with --epochs {epochs}");
                config = config with { Epochs = epochs };
            }
            if (settings.CheckpointEvery is { } every)
                config = config with { CheckpointEvery = every };
            if (settings.TraceEvery is { } traceEvery)
                config = config with { TraceEvery = traceEvery };
            // Like the traces, the probe changes no bit of training, so a resumed run may start, stop or space it.
            if (settings.ProbeGradientEvery is { } probeEvery)
                config = config with { ProbeGradientEvery = probeEvery };
            config.Validate();
            string full = Path.GetFullPath(resume);
            if (start.MinibatchesDone == 0)
                AnsiConsole.MarkupLineInterpolated($"Resuming {full} after epoch {start.CompletedEpochs} of {config.Epochs}");
            else
                AnsiConsole.MarkupLineInterpolated($"Resuming {full} after {start.Position} (of {config.Epochs} epochs)");
        }
        else
        {
            config = settings.ToTrainingConfig();
            start = new TrainingState(0, WeightInitializer.Create(config.Layers, config.InitAngleDegrees, config.Seed), null);
            history = [];
            // Refused before anything is loaded or written: the folder stays byte for byte as it was.
            if (settings.Out is { } output)
                RunDirectory.RequireAvailable(output, settings.Overwrite);
            else if (config.TraceEvery > 0)
                throw new Core.ConfigurationException($"--trace-every {config.TraceEvery} writes traces into the run folder: give --out DIR");
        }

        var data = DatasetCatalog.Load(config.Dataset, config.DataDirectory, config.TrainSamples, config.Validation);
        Trainer.RequireFits(config.Layers, data); // before the engine: a cluster would first wait for its workers
        using var engine = EngineFactory.Create(config);
        var run = settings.Resume is { } folder ? RunDirectory.Open(folder)
            : settings.Out is { } output2 ? RunDirectory.Create(output2, settings.Overwrite) : null;
        var tracer = run is not null && config.TraceEvery > 0 ? new EpochTracer(run, config, data) : null;
        var observer = new RunObserver(run, config, history, settings.Resume is null ? null : start, tracer);
        var outcome = Train(config, DescribeEngine(config, settings.Resume is null ? settings.ThreadChoice : null), data, engine, observer, run,
            start, history, cancellation);
        var results = TrainingResults.From(history, config.Epochs, outcome.Status, outcome.Reason);
        run?.WriteResults(results);
        if (outcome.Status != RunStatus.Failed && history.Count > 0)
            Summary.Print(results, run);
        return outcome.ExitCode;
    }

    private sealed record Outcome(string Status, string? Reason, int ExitCode);

    /// <summary>
    /// "batch (kernel avx512, 2 threads)": what the speed of the run depends on. The cluster's workers choose their
    /// kernels themselves, so only the engines that compute in this process name one.
    /// </summary>
    private static string DescribeEngine(TrainingConfig config, Core.Engines.ProductThreads.Choice? threadChoice) => config.Engine switch
    {
        "batch" => $"batch (kernel {KernelSelection.Name(DenseKernels.ActivePath)}, " +
                   (threadChoice?.Describe() ?? (config.Threads == 1 ? "1 thread" : $"{config.Threads} threads")) + ")",
        "actors" => $"actors (kernel {KernelSelection.Name(DenseKernels.ActivePath)})",
        _ => config.Engine,
    };

    private static Outcome Train(TrainingConfig config, string engineDescription, DataSplit data, Core.Engines.IEngine engine, RunObserver observer, RunDirectory? run,
        TrainingState start, List<EpochMetrics> history, CancellationToken cancellation)
    {
        try
        {
            var trainer = new Trainer(config, data, engine, observer); // checks the network against the data first
            run?.WriteConfig(config);
            string validation = data.Validation is { } held ? $" / {held.Count} validation" : "";
            AnsiConsole.MarkupLineInterpolated(
                $"[bold]{config.Rule.ToString().ToLowerInvariant()} rule[/] on {config.Dataset} ({data.Train.Count} train{validation} / {data.Test.Count} test), {string.Join('-', config.Layers)}, engine {engineDescription}, T1={config.FreeSteps} T2={config.NudgedSteps} β={config.Beta} dt={config.Dt}, seed {config.Seed}");
            if (start.CompletedEpochs >= config.Epochs && start.MinibatchesDone == 0)
                AnsiConsole.MarkupLineInterpolated($"The run has completed all its {config.Epochs} epochs; nothing to train (give --epochs to train more).");
            ProgressDisplay.Run(config.Epochs - start.CompletedEpochs, config.Epochs, display =>
            {
                observer.Display = display;
                trainer.Run(start, cancellation);
            });
            return new Outcome(RunStatus.Completed, null, ExitCodes.Success);
        }
        catch (TrainingDivergedException e)
        {
            string kept = run is null ? "" : observer.LastCheckpoint is { } position
                ? $" The checkpoint after {position} (the last good one) is in {run.File(RunDirectory.CheckpointFile)}."
                : " No epoch completed, so no checkpoint was written.";
            AnsiConsole.MarkupLineInterpolated($"[red]Training diverged:[/] {e.Message}.{kept} Try smaller learning rates (--lrs).");
            return new Outcome(RunStatus.Diverged, e.Message, ExitCodes.Diverged);
        }
        catch (OperationCanceledException)
        {
            ReportInterruption(run, observer.LastCheckpoint);
            string where = observer.LastCheckpoint is { } position ? $"interrupted after {position}" : "interrupted before the first checkpoint";
            return new Outcome(RunStatus.Interrupted, where, ExitCodes.Interrupted);
        }
        catch (EngineFailureException e)
        {
            string kept = run is not null && observer.LastCheckpoint is { } position
                ? $" The checkpoint after {position} is in {run.File(RunDirectory.CheckpointFile)}; --resume continues from it."
                : "";
            Console.Error.WriteLine($"error: the {config.Engine} engine stopped: {e.Message}.{kept}");
            return new Outcome(RunStatus.Failed, $"the {config.Engine} engine stopped: {e.Message}", ExitCodes.Failure);
        }
        catch (Exception e) when (run is not null)
        {
            // Anything else (bad input found late, a full disk): say so in results.json, then report it as usual.
            run.WriteResults(TrainingResults.From(history, config.Epochs, RunStatus.Failed, e.Message));
            throw;
        }
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
        var ignored = arguments.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a is not ("--resume" or "--epochs" or "--checkpoint-every" or "--trace-every" or "--probe-gradient-every")).ToArray();
        if (ignored.Length > 0)
            AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] --resume continues with the run's saved config.json; ignoring {string.Join(", ", ignored)} (only --epochs, --checkpoint-every, --trace-every and --probe-gradient-every can be changed)");
    }
}

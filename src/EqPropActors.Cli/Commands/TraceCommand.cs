using System.ComponentModel;
using EqPropActors.Cli.Tracing;
using EqPropActors.Core.Data;
using EqPropActors.Core.Tracing;
using EqPropActors.Core.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EqPropActors.Cli.Commands;

public sealed class TraceSettings : SavedRunSettings
{
    [CommandOption("--samples <K>")]
    [Description("Probe samples: the first K of the validation split, or of the test set when the run has none. Default: 8")]
    public int Samples { get; init; } = ProbeRelaxation.DefaultSamples;

    [CommandOption("--groups <GROUPS>")]
    [Description("Groups to record: all (default) or names such as L1G0,L2G0 (layer 1 group 0, ...)")]
    public string Groups { get; init; } = "all";

    [CommandOption("--engine <ENGINE>")]
    [Description("Engine to relax on: batch; actors (one actor per group in this process, each recording its own steps); or cluster (the group actors on the workers of --cluster-config, their records gathered here). " +
        "Default: the run's; cluster when --cluster-config is given; a cluster run whose configuration file is gone: actors")]
    public string? Engine { get; init; }

    [CommandOption("--cluster-config <FILE>")]
    [Description("--engine cluster: this process's (the coordinator's) configuration, as for train; start the workers with eqprop node. Default for a cluster run: the file it was trained with")]
    public string? ClusterConfig { get; init; }

    [CommandOption("--schedule <NAME>")]
    [Description("--engine actors or cluster: sync (bit for bit the batch engine) or async (every group on its own clock; the trace adds clocks, views and messages, and timeline.png). Default: the run's")]
    public string? ActorSchedule { get; init; }

    [CommandOption("--delay <TAU>")]
    [Description("Async: as in train (activity arrives TAU after it was sent, units of τ). Default: the run's")]
    public double? Delay { get; init; }

    [CommandOption("--jitter <TAU>")]
    [Description("Async: as in train (a further delay, uniform between 0 and TAU, per message). Default: the run's")]
    public double? Jitter { get; init; }

    [CommandOption("--tau-spread <S>")]
    [Description("Async: as in train (each group's τ between 1 and 1 + S). Default: the run's")]
    public double? TauSpread { get; init; }

    [CommandOption("--send-threshold <R>")]
    [Description("Async: as in train (send only when a rate moved by more than R). Default: the run's")]
    public float? SendThreshold { get; init; }

    [CommandOption("--send-mode <MODE>")]
    [Description("Async: threshold or sigma-delta, as in train. Default: the run's")]
    public string? SendMode { get; init; }

    [CommandOption("--update-prob <P>")]
    [Description("Async: as in train (each neuron updates at a step with probability P). Default: the run's")]
    public double? UpdateProbability { get; init; }

    [CommandOption("--drop-prob <P>")]
    [Description("Async: as in train (each activity message after a phase's first is lost with probability P). Default: the run's")]
    public double? DropProbability { get; init; }

    [CommandOption("--noise-std <S>")]
    [Description("Async: as in train (Gaussian noise of standard deviation S on every transmitted rate). Default: the run's")]
    public float? NoiseStd { get; init; }

    [CommandOption("--phase-control <WHO>")]
    [Description("Async: coordinator or local, as in train. Default: the run's")]
    public string? PhaseControl { get; init; }

    [CommandOption("--out <DIR>")]
    [Description("Folder for trace.npz, trace.json and the plots; an earlier trace there is replaced. Default: RUN_DIR/trace")]
    public string? Out { get; init; }
}

/// <summary>
/// <c>eqprop trace</c>: relaxes a probe minibatch with a saved run's weights through the free and nudged phases, step by
/// step, without learning, and writes what every group did.
/// </summary>
public sealed class TraceCommand : Command<TraceSettings>
{
    public const string DefaultFolder = RunDirectory.TraceFolder;

    public override int Execute(CommandContext context, TraceSettings settings, CancellationToken cancellation)
    {
        var saved = SavedRun.Load(settings.Run, settings.Checkpoint, "trace");
        var config = TraceEngineChoice.Apply(saved.Config, settings);
        var groups = TracedGroups.Parse(settings.Groups, config.CreateNetwork());
        var data = DatasetCatalog.Load(config.Dataset, config.DataDirectory, config.TrainSamples, config.Validation);
        Trainer.RequireFits(config.Layers, data);
        string output = Path.GetFullPath(settings.Out ?? Path.Combine(saved.Directory, DefaultFolder));
        bool replacing = Directory.Exists(output);

        var trace = TraceOutput.Write(output, config, saved.State.Weights, data, settings.Samples, groups,
            saved.State.CompletedEpochs, saved.Directory, saved.CheckpointPath, TraceEngineChoice.GroupwiseEngineOf(config), TraceEngineChoice.Describe(config));

        var run = saved.Config;
        if (config.Engine == "batch" && run.ActorSchedule == "async")
            AnsiConsole.MarkupLineInterpolated(
                $"[yellow]note:[/] the run used --engine {run.Engine} --schedule async; this trace relaxes with the batch engine, whose relaxation differs from the async schedule's (trace it with --engine actors --schedule async)");
        else if (TraceEngineChoice.FellBackToThisProcess(run, settings, config))
            AnsiConsole.MarkupLineInterpolated(
                $"[yellow]note:[/] the run used --engine cluster, but its cluster configuration {run.ClusterConfig} is gone; the trace relaxes with its group actors in this process (--engine actors --schedule {config.ActorSchedule}); trace on the cluster with --cluster-config FILE");
        string phases = string.Join(", ", trace.Phases.Select(p => $"{p.Name} {p.Steps} steps"));
        AnsiConsole.MarkupLineInterpolated(
            $"{saved.CheckpointPath} ({saved.State.Position}), {TraceEngineChoice.Describe(config)}: {trace.Samples} {ProbeRelaxation.ProbeSetOf(data).Name} samples, {phases}, groups {string.Join(',', groups.Select(g => g.Name))}");
        AnsiConsole.MarkupLineInterpolated($"trace written to {output}{(replacing ? " (it replaced the earlier trace there)" : "")}");
        return ExitCodes.Success;
    }
}

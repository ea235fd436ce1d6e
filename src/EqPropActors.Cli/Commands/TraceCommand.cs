using System.ComponentModel;
using EqPropActors.Cli.Tracing;
using EqPropActors.Core.Data;
using EqPropActors.Core.Tracing;
using EqPropActors.Core.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EqPropActors.Cli.Commands;

public sealed class TraceSettings : CommandSettings
{
    [CommandArgument(0, "<RUN_DIR>")]
    [Description("A run folder written by 'eqprop train --out'")]
    public string Run { get; init; } = "";

    [CommandOption("--checkpoint <WHICH>")]
    [Description("last (checkpoint.npz, default), best (best.npz) or a path to an .npz file")]
    public string Checkpoint { get; init; } = "last";

    [CommandOption("--samples <K>")]
    [Description("Probe samples: the first K of the validation split, or of the test set when the run has none. Default: 8")]
    public int Samples { get; init; } = ProbeRelaxation.DefaultSamples;

    [CommandOption("--groups <GROUPS>")]
    [Description("Groups to record: all (default) or names such as L1G0,L2G0 (layer 1 group 0, ...)")]
    public string Groups { get; init; } = "all";

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
        var config = saved.Config;
        var groups = TracedGroups.Parse(settings.Groups, config.CreateNetwork());
        var data = DatasetCatalog.Load(config.Dataset, config.DataDirectory, config.TrainSamples, config.Validation);
        Trainer.RequireFits(config.Layers, data);
        string output = Path.GetFullPath(settings.Out ?? Path.Combine(saved.Directory, DefaultFolder));
        bool replacing = Directory.Exists(output);

        var trace = TraceOutput.Write(output, config, saved.State.Weights, data, settings.Samples, groups,
            saved.State.CompletedEpochs, saved.Directory, saved.CheckpointPath);

        if (config.Engine != "batch" || config.ActorSchedule != "sync")
            AnsiConsole.MarkupLineInterpolated(
                $"[yellow]note:[/] the run used --engine {config.Engine} --schedule {config.ActorSchedule}; the trace relaxes with the batch engine, which the synchronous schedules equal bit for bit, but an async run's relaxation differs from it");
        string phases = string.Join(", ", trace.Phases.Select(p => $"{p.Name} {p.Steps} steps"));
        AnsiConsole.MarkupLineInterpolated(
            $"{saved.CheckpointPath} ({saved.State.Position}): {trace.Samples} {ProbeRelaxation.ProbeSetOf(data).Name} samples, {phases}, groups {string.Join(',', groups.Select(g => g.Name))}");
        AnsiConsole.MarkupLineInterpolated($"trace written to {output}{(replacing ? " (it replaced the earlier trace there)" : "")}");
        return ExitCodes.Success;
    }
}

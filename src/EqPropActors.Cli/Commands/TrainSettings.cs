using System.ComponentModel;
using EqPropActors.Core.Training;
using Spectre.Console.Cli;

namespace EqPropActors.Cli.Commands;

public sealed class TrainSettings : ModelSettings
{
    [CommandOption("--out <DIR>")]
    [Description("Run folder: config.json, metrics.csv, results.json, checkpoint.npz, best.npz and PNG plots. It must be new or empty (see --overwrite)")]
    public string? Out { get; init; }

    [CommandOption("--overwrite")]
    [Description("Replace the run in the --out folder (its files are removed first; a folder holding other files is refused)")]
    public bool Overwrite { get; init; }

    [CommandOption("--resume <DIR>")]
    [Description("Continue the run in DIR from its newest checkpoint, even one inside an epoch (its config.json is used; --epochs, --checkpoint-every and --trace-every may be changed)")]
    public string? Resume { get; init; }

    [CommandOption("--config <FILE>")]
    [Description("Start from the settings of a run's config.json (rerun it bit for bit with a new --out); options given on the command line override them")]
    public string? Config { get; init; }

    [CommandOption("--validation <N>")]
    [Description("Hold N training samples out as a validation split (stratified by class, the same samples for every seed); the best epoch and best.npz are chosen on it. Default: 0 (none: nothing is chosen)")]
    public int? Validation { get; init; }

    [CommandOption("--checkpoint-every <N>")]
    [Description("Also write the checkpoint every N minibatches inside an epoch, so --resume loses little of a long epoch. Default: 0 (at epoch ends only)")]
    public int? CheckpointEvery { get; init; }

    [CommandOption("--trace-every <N>")]
    [Description("Every N epochs, trace the relaxation of 8 probe samples (as 'eqprop trace' does) into RUN/traces/epoch-N; needs --out. Default: 0 (none)")]
    public int? TraceEvery { get; init; }

    /// <summary>The model options and the train-only ones, resolved and checked; paths absolute, so the run folder
    /// can be resumed or rerun from any working directory.</summary>
    public TrainingConfig ToTrainingConfig()
    {
        var config = ToConfig() with { CheckpointEvery = CheckpointEvery ?? 0, Validation = Validation ?? 0, TraceEvery = TraceEvery ?? 0 };
        config = config with
        {
            DataDirectory = config.DataDirectory is { } data ? Path.GetFullPath(data) : null,
            ClusterConfig = config.ClusterConfig is { } cluster ? Path.GetFullPath(cluster) : null,
        };
        config.Validate();
        return config;
    }
}

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
    [Description("Continue the run in DIR from its newest checkpoint, even one inside an epoch (its config.json is used; --epochs, --checkpoint-every, --trace-every and --probe-gradient-every may be changed)")]
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

    [CommandOption("--probe-gradient-every <N>")]
    [Description("Every N epochs, the angle between the update the run trains with and the true gradient of the loss (as 'eqprop gradcheck' computes it) per layer pair, and the Jacobian's asymmetry, on the first batch-size samples of the validation split (else of the test set): probe_* columns of metrics.csv and gradient_angles.png. On an engine of its own: training is the same bit for bit. Default: 0 (none)")]
    public int? ProbeGradientEvery { get; init; }

    /// <summary>The model options and the train-only ones, resolved and checked; paths absolute, so the run folder
    /// can be resumed or rerun from any working directory.</summary>
    public TrainingConfig ToTrainingConfig()
    {
        var config = ToConfig() with { CheckpointEvery = CheckpointEvery ?? 0, Validation = Validation ?? 0, TraceEvery = TraceEvery ?? 0,
            ProbeGradientEvery = ProbeGradientEvery ?? 0 };
        config = config with
        {
            DataDirectory = config.DataDirectory is { } data ? Path.GetFullPath(data) : null,
            ClusterConfig = config.ClusterConfig is { } cluster ? Path.GetFullPath(cluster) : null,
        };
        config.Validate();
        return config;
    }
}

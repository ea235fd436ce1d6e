using System.ComponentModel;
using EqPropActors.Core.Training;
using Spectre.Console.Cli;

namespace EqPropActors.Cli.Commands;

public sealed class TrainSettings : ModelSettings
{
    [CommandOption("--out <DIR>")]
    [Description("Run folder: config.json, metrics.csv, results.json, checkpoint.npz, best.npz and PNG plots")]
    public string? Out { get; init; }

    [CommandOption("--resume <DIR>")]
    [Description("Continue the run in DIR from its newest checkpoint, even one inside an epoch (its config.json is used; --epochs and --checkpoint-every may be changed)")]
    public string? Resume { get; init; }

    [CommandOption("--checkpoint-every <N>")]
    [Description("Also write the checkpoint every N minibatches inside an epoch, so --resume loses little of a long epoch. Default: 0 (at epoch ends only)")]
    public int? CheckpointEvery { get; init; }

    /// <summary>The model options and the train-only ones, resolved and checked.</summary>
    public TrainingConfig ToTrainingConfig()
    {
        var config = ToConfig() with { CheckpointEvery = CheckpointEvery ?? 0 };
        config.Validate();
        return config;
    }
}

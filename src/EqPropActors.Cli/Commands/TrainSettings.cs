using System.ComponentModel;
using Spectre.Console.Cli;

namespace EqPropActors.Cli.Commands;

public sealed class TrainSettings : ModelSettings
{
    [CommandOption("--out <DIR>")]
    [Description("Run folder: config.json, metrics.csv, results.json, checkpoint.npz, best.npz and PNG plots")]
    public string? Out { get; init; }

    [CommandOption("--resume <DIR>")]
    [Description("Continue the run in DIR from its checkpoint (its config.json is used; --epochs may extend it)")]
    public string? Resume { get; init; }
}

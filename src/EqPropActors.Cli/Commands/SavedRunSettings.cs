using System.ComponentModel;
using Spectre.Console.Cli;

namespace EqPropActors.Cli.Commands;

/// <summary>The arguments of a command that works on a finished run's folder and one of its checkpoints.</summary>
public class SavedRunSettings : CommandSettings
{
    [CommandArgument(0, "<RUN_DIR>")]
    [Description("A run folder written by 'eqprop train --out'")]
    public string Run { get; init; } = "";

    [CommandOption("--checkpoint <WHICH>")]
    [Description("last (checkpoint.npz, default), best (best.npz) or a path to an .npz file")]
    public string Checkpoint { get; init; } = "last";
}

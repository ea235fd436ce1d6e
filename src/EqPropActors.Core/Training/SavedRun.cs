using EqPropActors.Core.Checkpoints;

namespace EqPropActors.Core.Training;

/// <summary>
/// A run folder read back to look at its network (<c>eqprop evaluate</c>, <c>eqprop trace</c>): its config.json and the
/// weights of one checkpoint, <c>last</c> (checkpoint.npz), <c>best</c> (best.npz) or a path to an .npz file. Every
/// problem names the file and what is wrong with it.
/// </summary>
public sealed record SavedRun(string Directory, TrainingConfig Config, TrainingState State, string CheckpointPath)
{
    /// <param name="command">The command reading it ("trace"), so that a message says where the folder was given.</param>
    public static SavedRun Load(string runDirectory, string checkpoint, string command)
    {
        string full = Path.GetFullPath(runDirectory);
        if (!System.IO.Directory.Exists(full))
            throw new DirectoryNotFoundException($"{command} {runDirectory}: there is no folder '{full}' (give a run folder written by 'eqprop train --out')");
        string configPath = Path.Combine(full, RunDirectory.ConfigFile);
        if (!File.Exists(configPath))
            throw new FileNotFoundException($"{command} {runDirectory}: no {RunDirectory.ConfigFile} in '{full}' (is it a run folder written by 'eqprop train --out'?)", configPath);
        var config = RunDirectory.ReadConfig(configPath);
        string checkpointPath = PathOf(full, checkpoint);
        if (!File.Exists(checkpointPath))
            throw new FileNotFoundException($"{command} {runDirectory} --checkpoint {checkpoint}: {MissingCheckpoint(checkpointPath, checkpoint)}", checkpointPath);
        return new SavedRun(full, config, Checkpoint.Load(checkpointPath, config.Layers), checkpointPath);
    }

    private static string PathOf(string runDirectory, string checkpoint) => checkpoint switch
    {
        "last" => Path.Combine(runDirectory, RunDirectory.CheckpointFile),
        "best" => Path.Combine(runDirectory, RunDirectory.BestCheckpointFile),
        _ => Path.GetFullPath(checkpoint),
    };

    private static string MissingCheckpoint(string path, string checkpoint) => checkpoint switch
    {
        "last" => $"there is no '{path}': no epoch of this run completed",
        "best" => $"there is no '{path}': only runs with --validation choose a best epoch",
        _ => $"there is no file '{path}' (give last, best or the path to an .npz checkpoint)",
    };
}

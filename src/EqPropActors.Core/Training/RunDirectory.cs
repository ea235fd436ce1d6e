using System.Text;
using System.Text.Json;
using EqPropActors.Core.Checkpoints;

namespace EqPropActors.Core.Training;

/// <summary>
/// The folder a run leaves behind: config.json, metrics.csv, results.json, checkpoint.npz (the newest good state,
/// at an epoch's end or every --checkpoint-every minibatches, for --resume) and best.npz (lowest test error). Every file is written atomically, so an interrupted or
/// diverged run never leaves a half-written checkpoint.
/// </summary>
public sealed class RunDirectory
{
    public const string ConfigFile = "config.json";
    public const string MetricsFile = "metrics.csv";
    public const string ResultsFile = "results.json";
    public const string CheckpointFile = "checkpoint.npz";
    public const string BestCheckpointFile = "best.npz";
    public const string ParticlesFile = "particles.npz";

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private RunDirectory(string path) => Path = path;

    public string Path { get; }

    /// <summary>Creates (or reuses) the folder and proves it is writable before any training starts.</summary>
    public static RunDirectory Open(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        try
        {
            Directory.CreateDirectory(full);
            string probe = System.IO.Path.Combine(full, $".write-probe-{Environment.ProcessId}");
            System.IO.File.WriteAllText(probe, "");
            System.IO.File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"--out {path}: cannot write to '{full}': {e.Message}", e);
        }
        return new RunDirectory(full);
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void WriteConfig(TrainingConfig config) =>
        AtomicFile.WriteAllBytes(File(ConfigFile), JsonSerializer.SerializeToUtf8Bytes(config, Json));

    public void WriteMetrics(IReadOnlyList<EpochMetrics> history) =>
        AtomicFile.WriteAllBytes(File(MetricsFile), Encoding.UTF8.GetBytes(MetricsCsv.Format(history)));

    public void WriteResults(TrainingResults results) =>
        AtomicFile.WriteAllBytes(File(ResultsFile), JsonSerializer.SerializeToUtf8Bytes(results, Json));

    public void WriteCheckpoint(TrainingState state, TrainingConfig config, bool best)
    {
        // Particles first: a checkpoint must never be newer than the particles it will be resumed with.
        if (state.Particles is { } particles)
            Checkpoint.SaveParticles(File(ParticlesFile), particles, state.CompletedEpochs, state.MinibatchesDone);
        Checkpoint.Save(File(CheckpointFile), state, config.Seed);
        if (best)
            Checkpoint.Save(File(BestCheckpointFile), state, config.Seed);
    }

    /// <summary>Everything needed to continue a run: its config, its last good state and its metrics so far.</summary>
    public static (TrainingConfig Config, TrainingState State, List<EpochMetrics> History) LoadForResume(string path)
    {
        var directory = new RunDirectory(System.IO.Path.GetFullPath(path));
        string configPath = directory.File(ConfigFile);
        if (!System.IO.File.Exists(configPath))
            throw new FileNotFoundException($"--resume {path}: no {ConfigFile} in '{directory.Path}' (is it a run folder written by 'eqprop train --out'?)", configPath);
        TrainingConfig config;
        try
        {
            config = JsonSerializer.Deserialize<TrainingConfig>(System.IO.File.ReadAllBytes(configPath), Json)
                ?? throw new JsonException("empty document");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{configPath}: not a valid run configuration: {e.Message}", e);
        }
        string checkpointPath = directory.File(CheckpointFile);
        if (!System.IO.File.Exists(checkpointPath))
            throw new FileNotFoundException($"--resume {path}: no {CheckpointFile} in '{directory.Path}': no epoch of this run completed, so there is nothing to resume; start it again", checkpointPath);
        var state = Checkpoint.Load(checkpointPath, config.Layers);
        if (config.PersistentParticles)
            state = state with { Particles = Checkpoint.LoadParticles(directory.File(ParticlesFile), config.Layers, state.CompletedEpochs, state.MinibatchesDone) };
        string metricsPath = directory.File(MetricsFile);
        var history = System.IO.File.Exists(metricsPath)
            ? MetricsCsv.Parse(System.IO.File.ReadAllText(metricsPath), metricsPath).Where(m => m.Epoch <= state.CompletedEpochs).ToList()
            : [];
        return (config, state, history);
    }
}

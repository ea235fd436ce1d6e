using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EqPropActors.Core.Checkpoints;

namespace EqPropActors.Core.Training;

/// <summary>
/// The folder a run leaves behind: config.json, metrics.csv, results.json, checkpoint.npz (the newest good state,
/// at an epoch's end or every --checkpoint-every minibatches, for --resume) and best.npz (lowest validation error). Every file is written atomically, so an interrupted or
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

    /// <summary>A study's gradient check of the run's final weights (eqprop gradcheck --json).</summary>
    public const string GradcheckFile = "gradcheck.json";

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>The files a run folder may hold; --overwrite removes these and refuses a folder that holds anything else.</summary>
    public static readonly IReadOnlySet<string> RunFiles = new HashSet<string>(StringComparer.Ordinal)
    {
        ConfigFile, MetricsFile, ResultsFile, CheckpointFile, BestCheckpointFile, ParticlesFile,
        "learning_curves.png", "loss_curves.png", "weight_angles.png", "gradient_angles.png",
        GradcheckFile,
    };

    /// <summary>Folders of traces inside a run folder (eqprop trace, train --trace-every); --overwrite removes them too.</summary>
    public const string TraceFolder = "trace";
    public const string EpochTracesFolder = "traces";
    public static readonly IReadOnlySet<string> RunFolders = new HashSet<string>(StringComparer.Ordinal) { TraceFolder, EpochTracesFolder };

    /// <summary>Keys config.json records besides the settings: the program that wrote it.</summary>
    private static readonly string[] ProvenanceKeys = ["version", "commit"];

    private RunDirectory(string path) => Path = path;

    public string Path { get; }

    /// <summary>
    /// Opens a new run folder and proves it is writable before any training starts. A folder that exists and is not
    /// empty is refused, untouched, unless <paramref name="overwrite"/> is set; then the files of the earlier run are
    /// removed first (so that its checkpoint can never be resumed under the new configuration), and a folder holding
    /// anything that is not a run file is refused rather than emptied.
    /// </summary>
    public static RunDirectory Create(string path, bool overwrite)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (RequireAvailable(path, overwrite))
        {
            // The checkpoint goes first: whatever happens next, the old weights can no longer meet the new config.
            foreach (var name in RunFiles.OrderBy(n => n == CheckpointFile ? 0 : 1))
                System.IO.File.Delete(System.IO.Path.Combine(full, name));
            foreach (var name in RunFolders.Where(n => Directory.Exists(System.IO.Path.Combine(full, n))))
                Directory.Delete(System.IO.Path.Combine(full, name), recursive: true);
            foreach (var leftover in Directory.EnumerateFiles(full).Where(f => IsLeftoverTemporary(System.IO.Path.GetFileName(f))))
                System.IO.File.Delete(leftover);
            foreach (var leftover in Directory.EnumerateDirectories(full).Where(d => IsLeftoverTemporary(System.IO.Path.GetFileName(d))))
                Directory.Delete(leftover, recursive: true);
        }
        return Open(path);
    }

    /// <summary>
    /// Throws unless <paramref name="path"/> can take a new run (absent or empty, or with <paramref name="overwrite"/> a
    /// folder holding only run files); touches nothing. True when there is an earlier run to remove.
    /// </summary>
    public static bool RequireAvailable(string path, bool overwrite)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (System.IO.File.Exists(full))
            throw new RunFolderExistsException($"--out {path}: '{full}' is a file, not a folder; nothing was changed");
        if (!Directory.Exists(full) || !Directory.EnumerateFileSystemEntries(full).Any())
            return false;
        if (!overwrite)
            throw new RunFolderExistsException(
                $"--out {path}: '{full}' already exists and is not empty; nothing was changed. Choose another folder, continue that run with --resume {path}, or replace it with --overwrite");
        var foreign = Directory.EnumerateFileSystemEntries(full)
            .Select(e => System.IO.Path.GetFileName(e)!)
            .Where(name => !RunFiles.Contains(name) && !RunFolders.Contains(name) && !IsLeftoverTemporary(name))
            .Order(StringComparer.Ordinal).ToArray();
        if (foreign.Length > 0)
            throw new RunFolderExistsException(
                $"--out {path} --overwrite: '{full}' holds {string.Join(", ", foreign.Take(5))}{(foreign.Length > 5 ? ", ..." : "")}, which a run does not write; nothing was changed. Remove the folder yourself if it is meant to go");
        return true;
    }

    /// <summary>A temporary file an atomic write left behind when its process was killed (".checkpoint.npz.&lt;guid&gt;.tmp").</summary>
    private static bool IsLeftoverTemporary(string name) =>
        name.StartsWith('.') && name.EndsWith(".tmp", StringComparison.Ordinal) && RunFiles.Concat(RunFolders).Any(f => name.StartsWith($".{f}.", StringComparison.Ordinal));

    /// <summary>Opens (creating it if needed) a run folder and proves it is writable.</summary>
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

    /// <summary>config.json: the settings under their option names, then the program version and commit.</summary>
    public void WriteConfig(TrainingConfig config) =>
        AtomicFile.WriteAllBytes(File(ConfigFile), SerializeConfig(config));

    public static byte[] SerializeConfig(TrainingConfig config)
    {
        var node = JsonSerializer.SerializeToNode(config, Json)!.AsObject();
        node["version"] = ProgramVersion.Version;
        node["commit"] = ProgramVersion.Commit;
        return Encoding.UTF8.GetBytes(node.ToJsonString(Json));
    }

    /// <summary>Reads a config.json written by <see cref="WriteConfig"/>; the message names the file and what is wrong.</summary>
    public static TrainingConfig ReadConfig(string configPath)
    {
        TrainingConfig config;
        try
        {
            var node = JsonNode.Parse(System.IO.File.ReadAllBytes(configPath)) as JsonObject
                ?? throw new JsonException("expected a JSON object");
            foreach (var key in ProvenanceKeys)
                node.Remove(key);
            config = node.Deserialize<TrainingConfig>(Json) ?? throw new JsonException("empty document");
        }
        catch (Exception e) when (e is JsonException or ConfigurationException or InvalidOperationException)
        {
            throw InvalidConfiguration(configPath, e);
        }
        RejectLegacyFields(config, configPath);
        try
        {
            config.Validate();
            return config;
        }
        catch (ConfigurationException e)
        {
            throw InvalidConfiguration(configPath, e);
        }
    }

    private static InvalidDataException InvalidConfiguration(string configPath, Exception e) =>
        new($"{configPath}: not a valid run configuration: {e.Message}", e);

    /// <summary>A file from an older version: a settings error of its own, naming the file, the field and what to
    /// write instead (not "not a valid run configuration": the file is fine, its settings mean something else now).</summary>
    private static void RejectLegacyFields(TrainingConfig config, string configPath)
    {
        try
        {
            LegacyScheduleFields.Reject(config.LegacyDelaySteps, config.LegacyJitterSteps, config.LegacyRateSpread, config.Dt);
        }
        catch (ConfigurationException e)
        {
            throw new ConfigurationException($"{configPath}: {e.Message}");
        }
    }

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
        var config = ReadConfig(configPath);
        string checkpointPath = directory.File(CheckpointFile);
        if (!System.IO.File.Exists(checkpointPath))
            throw new FileNotFoundException($"--resume {path}: no {CheckpointFile} in '{directory.Path}': no epoch of this run completed, so there is nothing to resume; start it again", checkpointPath);
        var state = Checkpoint.Load(checkpointPath, config.Layers);
        if (Checkpoint.SeedOf(checkpointPath) is { } seed && seed != config.Seed)
            throw new InvalidDataException($"--resume {path}: {CheckpointFile} was written by a run with seed {seed}, but {ConfigFile} says seed {config.Seed}: the folder mixes two runs; start again with --overwrite");
        if (config.PersistentParticles)
            state = state with { Particles = Checkpoint.LoadParticles(directory.File(ParticlesFile), config.Layers, state.CompletedEpochs, state.MinibatchesDone) };
        string metricsPath = directory.File(MetricsFile);
        var history = System.IO.File.Exists(metricsPath)
            ? MetricsCsv.Parse(System.IO.File.ReadAllText(metricsPath), metricsPath).Where(m => m.Epoch <= state.CompletedEpochs).ToList()
            : [];
        return (config, state, history);
    }
}

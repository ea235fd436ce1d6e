using System.Text.Json;
using System.Text.Json.Nodes;
using EqPropActors.Core;
using EqPropActors.Core.Checkpoints;

namespace EqPropActors.Cli.Studies.Running;

/// <summary>
/// The folder of a study: its spec (study.toml) and identity (study.json), one ordinary run folder per condition and
/// seed (runs/&lt;condition&gt;/seed-&lt;k&gt;/), the runs' logs, runs.csv, summary.csv, plots and report.md. A folder
/// made by one spec is never filled by another: the same command continues it, a changed spec is refused.
/// </summary>
public sealed class StudyFolder
{
    public const string SpecFile = "study.toml";
    public const string IdentityFile = "study.json";
    public const string RunsTableFile = "runs.csv";

    private StudyFolder(string path, StudySpec spec)
    {
        Path = path;
        Spec = spec;
        Runs = spec.Seeds
            .SelectMany(seed => spec.Conditions.Select(condition => new StudyRun(condition, seed, this)))
            .ToArray();
    }

    public string Path { get; }

    public StudySpec Spec { get; }

    /// <summary>Every run of the study, seed by seed (all conditions of seed 1 first), so that an interrupted study
    /// already holds complete pairs to compare.</summary>
    public IReadOnlyList<StudyRun> Runs { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>
    /// Opens <paramref name="path"/> for <paramref name="spec"/>: creates it, or continues it if the same spec made
    /// it. A folder from a different spec, or a non-empty folder that is not a study, is refused and left untouched.
    /// </summary>
    public static StudyFolder Open(string path, StudySpec spec)
    {
        string full = System.IO.Path.GetFullPath(path);
        string identity = System.IO.Path.Combine(full, IdentityFile);
        if (System.IO.File.Exists(identity))
        {
            string? fingerprint = ReadFingerprint(identity);
            if (fingerprint != spec.Fingerprint)
                throw new ConfigurationException(
                    $"--out {path}: '{full}' holds a study made by a different spec (its runs, seeds or settings differ from those of this spec; see {System.IO.Path.Combine(full, SpecFile)}); nothing was changed. Give a new --out, or run the spec that made it");
        }
        else if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
        {
            throw new ConfigurationException($"--out {path}: '{full}' is not empty and is not a study folder (no {IdentityFile}); nothing was changed. Give a new or empty folder");
        }
        Directory.CreateDirectory(full);
        var folder = new StudyFolder(full, spec);
        if (!System.IO.File.Exists(identity))
        {
            AtomicFile.WriteAllBytes(folder.File(SpecFile), System.Text.Encoding.UTF8.GetBytes(spec.SpecText));
            var json = new JsonObject
            {
                ["fingerprint"] = spec.Fingerprint,
                ["created"] = DateTimeOffset.UtcNow.ToString("O"),
                ["version"] = ProgramVersion.Version,
                ["commit"] = ProgramVersion.Commit,
            };
            AtomicFile.WriteAllBytes(identity, System.Text.Encoding.UTF8.GetBytes(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true })));
        }
        return folder;
    }

    /// <summary>Opens an existing study folder for reporting only, with the spec it was made by.</summary>
    public static StudyFolder OpenExisting(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        string spec = System.IO.Path.Combine(full, SpecFile);
        if (!System.IO.File.Exists(System.IO.Path.Combine(full, IdentityFile)) || !System.IO.File.Exists(spec))
            throw new ConfigurationException($"'{full}' is not a study folder (no {IdentityFile} and {SpecFile}); 'eqprop study SPEC.toml --out {path}' makes one");
        return new StudyFolder(full, StudySpec.Load(spec));
    }

    private static string? ReadFingerprint(string identity)
    {
        try
        {
            return JsonNode.Parse(System.IO.File.ReadAllBytes(identity))?["fingerprint"]?.GetValue<string>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{identity}: not a study identity file: {e.Message}", e);
        }
    }
}

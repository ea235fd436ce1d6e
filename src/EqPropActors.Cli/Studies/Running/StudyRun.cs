using System.Text.Json;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Studies.Running;

/// <summary>One run of a study: a condition trained with one seed, in its own ordinary run folder.</summary>
public sealed class StudyRun(StudyCondition condition, int seed, StudyFolder study)
{
    private readonly StudyFolder _study = study;

    public const string GradcheckFile = RunDirectory.GradcheckFile;

    public StudyCondition Condition { get; } = condition;

    public int Seed { get; } = seed;

    /// <summary>The run folder relative to the study folder (runs/&lt;condition&gt;/seed-&lt;k&gt;).</summary>
    public string RelativeDirectory => Path.Combine("runs", Condition.Slug, $"seed-{Seed}");

    public string Directory => Path.Combine(_study.Path, RelativeDirectory);

    /// <summary>Everything the run's processes printed, outside the run folder (which holds only run files).</summary>
    public string LogFile => Path.Combine(_study.Path, "logs", Condition.Slug, $"seed-{Seed}.log");

    public string File(string name) => Path.Combine(Directory, name);

    public string Describe() => $"{Condition.Name} seed {Seed}";

    /// <summary>How far the run got, read from its folder.</summary>
    public StudyRunState State(bool gradcheckWanted)
    {
        string? status = ReadStatus();
        bool checkpoint = System.IO.File.Exists(File(RunDirectory.CheckpointFile));
        return status switch
        {
            RunStatus.Completed when gradcheckWanted && !System.IO.File.Exists(File(GradcheckFile)) => StudyRunState.NeedsGradcheck,
            RunStatus.Completed or RunStatus.Diverged => StudyRunState.Finished,
            _ when checkpoint => StudyRunState.Resumable,
            _ => StudyRunState.NotStarted,
        };
    }

    /// <summary>results.json's status, or null when there is none (not started, or killed before it could write).</summary>
    public string? ReadStatus()
    {
        using var results = OptionalJson.Read(File(RunDirectory.ResultsFile));
        return results is not null && results.RootElement.TryGetProperty("status", out var status) ? status.GetString() : null;
    }
}

public enum StudyRunState
{
    /// <summary>Nothing usable in the folder: train from the start (replacing whatever is there).</summary>
    NotStarted,

    /// <summary>A checkpoint of an unfinished run: --resume it.</summary>
    Resumable,

    /// <summary>Trained to the end; the gradient check the spec asks for is still missing.</summary>
    NeedsGradcheck,

    /// <summary>Completed (with its gradient check if asked for) or diverged: nothing left to do.</summary>
    Finished,
}

using System.Diagnostics;
using System.Globalization;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Studies.Running;

/// <summary>
/// What a study does for each run, wherever its children run (<see cref="IEqpropLauncher"/>): decided from the run's
/// folder when the run is dispatched, it trains a run not started (replacing a folder a killed run left without a
/// checkpoint), resumes one with a checkpoint, measures the gradient angle of a completed one when the spec asks for
/// it, and reports how each attempt ended. The local scheduler (<see cref="StudyRunner"/>) and the cluster's
/// (<see cref="ClusterStudyRunner"/>) differ only in where the children run.
/// </summary>
public sealed class StudyRunWork(StudyFolder study, IStudyProgress progress)
{
    /// <summary>The runs that still lack something, in the study's order; reports the count.</summary>
    public IReadOnlyList<StudyRun> Remaining()
    {
        var todo = study.Runs.Where(r => r.State(study.Spec.Gradcheck) != StudyRunState.Finished).ToArray();
        progress.Started(study.Runs.Count, study.Runs.Count - todo.Length, todo.Length);
        return todo;
    }

    /// <summary>Brings <paramref name="run"/> as far as it goes with <paramref name="launcher"/> and reports how it
    /// ended; a <see cref="WorkerUnavailableException"/> is reported as "back in the queue" and passed on.</summary>
    public async Task RunAsync(StudyRun run, IEqpropLauncher launcher, CancellationToken cancellation)
    {
        progress.RunStarted(run, launcher.Where);
        var clock = Stopwatch.StartNew();
        string outcome;
        try
        {
            outcome = await RunOneAsync(run, launcher, cancellation);
        }
        catch (WorkerUnavailableException e)
        {
            progress.RunEnded(run, $"{e.Message}; back in the queue", clock.Elapsed, cancelled: true);
            throw;
        }
        progress.RunEnded(run, launcher.Where is { } where ? $"{outcome} (on {where})" : outcome, clock.Elapsed, cancelled: cancellation.IsCancellationRequested);
    }

    /// <summary>Returns a short description of how the run ended.</summary>
    private async Task<string> RunOneAsync(StudyRun run, IEqpropLauncher launcher, CancellationToken cancellation)
    {
        var state = run.State(study.Spec.Gradcheck);
        if (state is StudyRunState.NotStarted or StudyRunState.Resumable)
        {
            IReadOnlyList<string> train = state == StudyRunState.Resumable
                ? ["train", "--resume", run.Directory]
                : ["train", .. run.Condition.ToArguments(), "--seed", run.Seed.ToString(CultureInfo.InvariantCulture), "--out", run.Directory, "--overwrite"];
            int exit = await launcher.RunAsync(train, run.LogFile, outputFile: null, cancellation);
            string? status = run.ReadStatus();
            if (status != RunStatus.Completed)
                return status ?? $"failed (exit code {exit}, no results.json; see {run.LogFile})";
        }
        if (!study.Spec.Gradcheck || cancellation.IsCancellationRequested)
            return RunStatus.Completed;
        return await GradcheckAsync(run, launcher, cancellation);
    }

    private async Task<string> GradcheckAsync(StudyRun run, IEqpropLauncher launcher, CancellationToken cancellation)
    {
        var config = RunDirectory.ReadConfig(run.File(RunDirectory.ConfigFile));
        var args = GradcheckArguments.For(config, run.File(RunDirectory.CheckpointFile), study.Spec.GradcheckRepeats);
        int exit = await launcher.RunAsync(args, run.LogFile, run.File(StudyRun.GradcheckFile), cancellation);
        return exit == 0 ? RunStatus.Completed : $"completed; gradient check failed (exit code {exit}; see {run.LogFile})";
    }
}

using System.Diagnostics;
using EqPropActors.Core.Checkpoints;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Studies.Running;

/// <summary>
/// Runs what a study folder still lacks, <paramref name="jobs"/> runs at a time: trains runs not started (replacing a
/// folder a killed run left without a checkpoint), resumes those with a checkpoint, measures the gradient angle of
/// completed ones when the spec asks for it, and skips the finished. Each run is a child <c>eqprop train</c>, so a
/// study is exactly the runs a user could type, and interrupting it (Ctrl+C, SIGTERM) leaves every run resumable.
/// </summary>
public sealed class StudyRunner(StudyFolder study, int jobs, IStudyProgress progress)
{
    /// <summary>Runs the remaining work; returns false when it was cancelled before the end.</summary>
    public async Task<bool> RunAsync(CancellationToken cancellation)
    {
        var todo = study.Runs.Where(r => r.State(study.Spec.Gradcheck) != StudyRunState.Finished).ToArray();
        progress.Started(study.Runs.Count, study.Runs.Count - todo.Length, todo.Length);
        var options = new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = CancellationToken.None };
        await Parallel.ForEachAsync(todo, options, async (run, _) =>
        {
            if (cancellation.IsCancellationRequested)
                return;
            progress.RunStarted(run);
            var clock = Stopwatch.StartNew();
            string outcome = await RunOneAsync(run, cancellation);
            progress.RunEnded(run, outcome, clock.Elapsed, cancelled: cancellation.IsCancellationRequested);
        });
        return !cancellation.IsCancellationRequested;
    }

    /// <summary>Brings one run as far as it goes; returns a short description of how it ended.</summary>
    private async Task<string> RunOneAsync(StudyRun run, CancellationToken cancellation)
    {
        var state = run.State(study.Spec.Gradcheck);
        if (state is StudyRunState.NotStarted or StudyRunState.Resumable)
        {
            IReadOnlyList<string> train = state == StudyRunState.Resumable
                ? ["train", "--resume", run.Directory]
                : ["train", .. run.Condition.ToArguments(), "--seed", run.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "--out", run.Directory, "--overwrite"];
            int exit = await EqpropProcess.RunAsync(train, run.LogFile, cancellation);
            string? status = run.ReadStatus();
            if (status != RunStatus.Completed)
                return status ?? $"failed (exit code {exit}, no results.json; see {run.LogFile})";
        }
        if (!study.Spec.Gradcheck || cancellation.IsCancellationRequested)
            return RunStatus.Completed;
        return await GradcheckAsync(run, cancellation);
    }

    private async Task<string> GradcheckAsync(StudyRun run, CancellationToken cancellation)
    {
        var config = RunDirectory.ReadConfig(run.File(RunDirectory.ConfigFile));
        var args = GradcheckArguments.For(config, run.File(RunDirectory.CheckpointFile), study.Spec.GradcheckRepeats);
        var json = new StringWriter();
        int exit = await EqpropProcess.RunAsync(args, run.LogFile, cancellation, json);
        if (exit != 0)
            return $"completed; gradient check failed (exit code {exit}; see {run.LogFile})";
        AtomicFile.WriteAllBytes(run.File(StudyRun.GradcheckFile), System.Text.Encoding.UTF8.GetBytes(json.ToString()));
        return RunStatus.Completed;
    }
}

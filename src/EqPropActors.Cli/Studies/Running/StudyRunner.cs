namespace EqPropActors.Cli.Studies.Running;

/// <summary>
/// Runs what a study folder still lacks on this machine, <paramref name="jobs"/> runs at a time, each as child
/// processes of this one (<see cref="StudyRunWork"/> decides what each run needs). A study is thus exactly the runs a
/// user could type, and interrupting it (Ctrl+C, SIGTERM) leaves every run resumable.
/// </summary>
public sealed class StudyRunner(StudyFolder study, int jobs, IStudyProgress progress)
{
    /// <summary>Runs the remaining work; returns false when it was cancelled before the end.</summary>
    public async Task<bool> RunAsync(CancellationToken cancellation)
    {
        var work = new StudyRunWork(study, progress);
        var options = new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = CancellationToken.None };
        await Parallel.ForEachAsync(work.Remaining(), options, async (run, _) =>
        {
            if (!cancellation.IsCancellationRequested)
                await work.RunAsync(run, LocalLauncher.Instance, cancellation);
        });
        return !cancellation.IsCancellationRequested;
    }
}

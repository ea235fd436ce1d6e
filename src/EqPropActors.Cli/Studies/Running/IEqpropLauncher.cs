namespace EqPropActors.Cli.Studies.Running;

/// <summary>
/// Where a study's eqprop children run: on this machine, or on a cluster worker. Everything else about a run (what
/// to run, how to read how it ended, what to report) is <see cref="StudyRunWork"/>'s and the same everywhere.
/// </summary>
public interface IEqpropLauncher
{
    /// <summary>Where the children run, for progress lines; null on this machine.</summary>
    string? Where { get; }

    /// <summary>Runs <c>eqprop args</c> as <see cref="EqpropProcess.RunAsync"/> does, wherever this launcher runs
    /// children; cancelling stops the child gently and waits for it. Throws <see cref="WorkerUnavailableException"/>
    /// when the place it runs on is gone or busy, so that the run must go on elsewhere.</summary>
    Task<int> RunAsync(IReadOnlyList<string> args, string logFile, string? outputFile, CancellationToken cancellation);
}

/// <summary>Children of this process, on this machine.</summary>
public sealed class LocalLauncher : IEqpropLauncher
{
    public static LocalLauncher Instance { get; } = new();

    public string? Where => null;

    public Task<int> RunAsync(IReadOnlyList<string> args, string logFile, string? outputFile, CancellationToken cancellation) =>
        EqpropProcess.RunAsync(args, logFile, cancellation, outputFile);
}

/// <summary>How a worker failed a run's child; decides when the run may go to another worker.</summary>
public enum WorkerUnavailability
{
    /// <summary>Lost (removed, downed, silent): its child may still be stopping, so the run waits a grace period.</summary>
    Lost,

    /// <summary>Leaving the cluster, it stopped the child first: the run can go elsewhere at once.</summary>
    Left,

    /// <summary>Busy with another child: this one never started.</summary>
    Busy,
}

/// <summary>The worker a run's child was given to cannot finish it; the run goes back to the queue.</summary>
public sealed class WorkerUnavailableException(string message, WorkerUnavailability kind) : Exception(message)
{
    public WorkerUnavailability Kind { get; } = kind;
}

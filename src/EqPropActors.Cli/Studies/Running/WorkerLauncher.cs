using Akka.Actor;
using Akka.Cluster;
using EqPropActors.Cluster.Runs;

namespace EqPropActors.Cli.Studies.Running;

/// <summary>A cluster worker that takes a study's runs: its member identity, its name, and its run-hosting actor.</summary>
public sealed record StudyWorker(UniqueAddress Id, string Name, IActorRef Host)
{
    public override string ToString() => $"{Name} ({Id.Address})";
}

/// <summary>
/// Runs a study's children on one cluster worker, through its <see cref="StudyRunHost"/>. The worker's loss, its
/// leaving or its being busy become a <see cref="WorkerUnavailableException"/>, after which the run goes back to the
/// queue.
/// </summary>
public sealed class WorkerLauncher(ActorSystem system, StudyWorker worker, TimeSpan answerTimeout, Action<string> notice) : IEqpropLauncher
{
    private static long _lastJob;

    public string? Where => worker.Name;

    public async Task<int> RunAsync(IReadOnlyList<string> args, string logFile, string? outputFile, CancellationToken cancellation)
    {
        var request = new RunEqprop(Interlocked.Increment(ref _lastJob), args.ToArray(), logFile, outputFile ?? "");
        var outcome = await RemoteEqpropRun.RunAsync(system, worker.Host, request, answerTimeout, cancellation);
        switch (outcome.End)
        {
            case RemoteRunEnd.Exited:
                if (outcome.Detail.Length > 0)
                    notice($"worker {worker}: {outcome.Detail}");
                return outcome.ExitCode;
            case RemoteRunEnd.StoppedForLeaving:
                throw new WorkerUnavailableException($"worker {worker} left the cluster, having stopped the run at a checkpoint", WorkerUnavailability.Left);
            case RemoteRunEnd.Refused:
                throw new WorkerUnavailableException($"worker {worker} is busy: {outcome.Detail}", WorkerUnavailability.Busy);
            default:
                throw new WorkerUnavailableException($"worker {worker} was lost: {outcome.Detail}", WorkerUnavailability.Lost);
        }
    }
}

using Akka.Actor;

namespace EqPropActors.Cluster.Runs;

/// <summary>How an eqprop child asked of a worker's <see cref="StudyRunHost"/> ended, seen from the coordinator.</summary>
public enum RemoteRunEnd
{
    /// <summary>The child ran and exited (<see cref="RemoteRunOutcome.ExitCode"/>), or could not be started (Detail says why).</summary>
    Exited,

    /// <summary>The worker is leaving the cluster and stopped the child gently first: nobody writes into its folder now.</summary>
    StoppedForLeaving,

    /// <summary>The worker was lost (removed from the cluster, downed as unreachable, or silent): its child may still
    /// be stopping (it stops by itself once its node process is gone, or when the node downs itself).</summary>
    WorkerLost,

    /// <summary>The worker did not take the job (it is busy); no child was started for it.</summary>
    Refused,
}

public sealed record RemoteRunOutcome(RemoteRunEnd End, int ExitCode, string Detail);

/// <summary>
/// Runs an eqprop child on a worker and waits for its end. Tell is at most once, so the assignment is made robust
/// by a death watch on the worker's host actor (a node that leaves, is downed as unreachable or dies ends the wait
/// with <see cref="RemoteRunEnd.WorkerLost"/>) and by the host's acknowledgement, expected within
/// <c>answerTimeout</c>. Cancelling asks the worker to stop the child gently, and still waits for its end.
/// </summary>
public static class RemoteEqpropRun
{
    public static async Task<RemoteRunOutcome> RunAsync(ActorSystem system, IActorRef host, RunEqprop request, TimeSpan answerTimeout,
        CancellationToken cancellation)
    {
        var ended = new TaskCompletionSource<RemoteRunOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watcher = system.ActorOf(Props.Create(() => new RunWatcher(host, request, answerTimeout, ended)), $"eqprop-remote-run-{request.Job}");
        await using (cancellation.Register(() => watcher.Tell(RunWatcher.StopRequested.Instance)))
            return await ended.Task;
    }

    /// <summary>One job's view of the worker: sends it, watches the host, and completes with the first ending it hears of.</summary>
    private sealed class RunWatcher : ReceiveActor, IWithTimers
    {
        private readonly IActorRef _host;
        private readonly RunEqprop _request;
        private readonly TimeSpan _answerTimeout;
        private readonly TaskCompletionSource<RemoteRunOutcome> _ended;
        private bool _accepted;

        public RunWatcher(IActorRef host, RunEqprop request, TimeSpan answerTimeout, TaskCompletionSource<RemoteRunOutcome> ended)
        {
            (_host, _request, _answerTimeout, _ended) = (host, request, answerTimeout, ended);
            Receive<EqpropRunAccepted>(m => m.Job == _request.Job, _ =>
            {
                _accepted = true;
                Timers.Cancel(NoAnswer.Instance);
            });
            Receive<EqpropRunRefused>(m => m.Job == _request.Job, m => End(RemoteRunEnd.Refused, -1, m.Reason));
            Receive<EqpropRunEnded>(m => m.Job == _request.Job,
                m => End(m.StoppedForLeaving ? RemoteRunEnd.StoppedForLeaving : RemoteRunEnd.Exited, m.ExitCode, m.Failure));
            Receive<Terminated>(t => t.ActorRef.Equals(_host),
                _ => End(RemoteRunEnd.WorkerLost, -1, $"node {_host.Path.Address} left the cluster or was removed from it"));
            Receive<StopRequested>(_ => _host.Tell(new StopEqpropRun(_request.Job)));
            Receive<NoAnswer>(_ =>
            {
                if (_accepted)
                    return;
                // Should the request still arrive, the stop that follows it (same sender, same order) undoes it.
                _host.Tell(new StopEqpropRun(_request.Job));
                End(RemoteRunEnd.WorkerLost, -1, $"node {_host.Path.Address} did not answer within {_answerTimeout.TotalSeconds:F0} s");
            });
        }

        public ITimerScheduler Timers { get; set; } = null!;

        protected override void PreStart()
        {
            Context.Watch(_host);
            _host.Tell(_request);
            Timers.StartSingleTimer(NoAnswer.Instance, NoAnswer.Instance, _answerTimeout);
        }

        protected override void PostStop() => _ended.TrySetResult(new RemoteRunOutcome(RemoteRunEnd.WorkerLost, -1, "the coordinator is shutting down"));

        private void End(RemoteRunEnd end, int exitCode, string detail)
        {
            _ended.TrySetResult(new RemoteRunOutcome(end, exitCode, detail));
            Context.Stop(Self);
        }

        public sealed record StopRequested
        {
            public static StopRequested Instance { get; } = new();
        }

        private sealed record NoAnswer
        {
            public static NoAnswer Instance { get; } = new();
        }
    }
}

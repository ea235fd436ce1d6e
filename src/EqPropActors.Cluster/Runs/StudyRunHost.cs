using Akka.Actor;
using Akka.Event;

namespace EqPropActors.Cluster.Runs;

/// <summary>
/// On every worker (eqprop node): runs one whole eqprop child at a time for a coordinator that hands out runs (a
/// study's training runs and gradient checks), and tells it how the child ended. The child is a process of this
/// node's own eqprop, so it stops by itself when the node process dies (EQPROP_PARENT_PID). When the node leaves the
/// cluster or is removed from it, the host stops the child gently (a training run saves its checkpoint) and waits for
/// it before the node goes, so that the run's folder has no writer left when the coordinator gives it to another
/// worker. When the coordinator that asked is gone, the child is stopped too: its successor resumes the run.
/// </summary>
public sealed class StudyRunHost : ReceiveActor
{
    public const string Name = "eqprop-study-runs";

    /// <summary>Runs the eqprop child <paramref name="request"/> describes and returns its exit code; cancelling
    /// <paramref name="stop"/> asks it to stop gently and still waits for it.</summary>
    public delegate Task<int> ChildRunner(RunEqprop request, CancellationToken stop);

    private readonly string _nodeName;
    private readonly ChildRunner _runChild;
    private readonly Action<string> _notice;
    private readonly Func<string, string?> _readFile;
    private readonly List<IActorRef> _waitingForShutdown = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private RunningChild? _child;

    /// <param name="readFile">How this node reads a file of the shared folder (null when it has none there); a test
    /// gives one that sees nothing, as a worker with the folder not mounted would.</param>
    public StudyRunHost(string nodeName, ChildRunner runChild, Action<string> notice, Func<string, string?>? readFile = null)
    {
        _nodeName = nodeName;
        _runChild = runChild;
        _notice = notice;
        _readFile = readFile ?? ReadIfPresent;
        Receive<RunEqprop>(Start);
        Receive<StopEqpropRun>(stop =>
        {
            if (_child is { } child && child.Job == stop.Job && child.Requester.Equals(Sender))
                child.Stop.Cancel();
        });
        Receive<ChildExited>(Ended);
        Receive<Terminated>(gone =>
        {
            if (_child is not { } child || !child.Requester.Equals(gone.ActorRef))
                return;
            _notice($"the coordinator that asked for job {child.Job} is gone; stopping its child gently (it saves its checkpoint)");
            child.Stop.Cancel();
        });
        Receive<CheckSharedFile>(check => Sender.Tell(Check(check)));
        Receive<StopForShutdown>(_ =>
        {
            if (_child is not { } child)
            {
                Sender.Tell(Akka.Done.Instance);
                return;
            }
            _notice($"leaving the cluster: stopping the child of job {child.Job} gently and waiting for it");
            child.StoppingForLeaving = true;
            child.Stop.Cancel();
            _waitingForShutdown.Add(Sender);
        });
    }

    public static Props Props(string nodeName, ChildRunner runChild, Action<string> notice, Func<string, string?>? readFile = null) =>
        Akka.Actor.Props.Create(() => new StudyRunHost(nodeName, runChild, notice, readFile));

    /// <summary>Before the node leaves (Ctrl+C, or removed from the cluster): stop the child and wait for it, in
    /// the first phase of the shutdown, while the coordinator can still be told.</summary>
    protected override void PreStart()
    {
        var self = Self;
        var shutdown = CoordinatedShutdown.Get(Context.System);
        var wait = shutdown.Timeout(CoordinatedShutdown.PhaseBeforeServiceUnbind) - TimeSpan.FromSeconds(1);
        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "stop-study-run", () =>
            self.Ask<Akka.Done>(StopForShutdown.Instance, wait).ContinueWith(_ => Akka.Done.Instance, TaskScheduler.Default));
    }

    /// <summary>Stopped some other way: the child still gets its SIGTERM (and ends by itself should this process go).</summary>
    protected override void PostStop() => _child?.Stop.Cancel();

    private void Start(RunEqprop request)
    {
        if (_child is { } busy)
        {
            Sender.Tell(new EqpropRunRefused(request.Job, busy.Stop.IsCancellationRequested
                ? $"node {_nodeName} is still stopping the child of job {busy.Job}"
                : $"node {_nodeName} already runs job {busy.Job}"));
            return;
        }
        var child = new RunningChild(request.Job, Sender, new CancellationTokenSource());
        _child = child;
        Context.Watch(child.Requester);
        _notice($"job {request.Job}: eqprop {string.Join(' ', request.Arguments)} (log: {request.LogFile})");
        long job = request.Job;
        Task.Run(() => _runChild(request, child.Stop.Token))
            .ContinueWith(t => t.IsCompletedSuccessfully
                ? new ChildExited(job, t.Result, "")
                : new ChildExited(job, -1, $"the child could not run: {t.Exception?.GetBaseException().Message ?? "cancelled"}"), TaskScheduler.Default)
            .PipeTo(Self);
        Sender.Tell(new EqpropRunAccepted(request.Job, _nodeName));
    }

    private void Ended(ChildExited exited)
    {
        if (_child is not { } child || child.Job != exited.Job)
            return;
        if (exited.Failure.Length > 0)
            _log.Warning("job {0}: {1}", exited.Job, exited.Failure);
        child.Requester.Tell(new EqpropRunEnded(exited.Job, exited.ExitCode, child.StoppingForLeaving, exited.Failure));
        Context.Unwatch(child.Requester);
        child.Stop.Dispose();
        _child = null;
        foreach (var waiting in _waitingForShutdown)
            waiting.Tell(Akka.Done.Instance);
        _waitingForShutdown.Clear();
    }

    private SharedFileChecked Check(CheckSharedFile check)
    {
        string? found;
        try
        {
            found = _readFile(check.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new SharedFileChecked(check.Path, false, $"reading it failed: {e.Message}");
        }
        return found is null ? new SharedFileChecked(check.Path, false, "no such file here")
            : found != check.Contents ? new SharedFileChecked(check.Path, false, "the file there holds something else (another folder at the same path?)")
            : new SharedFileChecked(check.Path, true, "");
    }

    private static string? ReadIfPresent(string path) => File.Exists(path) ? File.ReadAllText(path) : null;

    private sealed class RunningChild(long job, IActorRef requester, CancellationTokenSource stop)
    {
        public long Job { get; } = job;
        public IActorRef Requester { get; } = requester;
        public CancellationTokenSource Stop { get; } = stop;
        public bool StoppingForLeaving { get; set; }
    }

    // Local messages only: they never cross the network.
    private sealed record ChildExited(long Job, int ExitCode, string Failure);

    private sealed record StopForShutdown
    {
        public static StopForShutdown Instance { get; } = new();
    }
}

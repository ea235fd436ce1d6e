using Akka.Actor;
using Akka.Cluster;
using EqPropActors.Actors.Coordination;
using EqPropActors.Cluster.Hosting;
using EqPropActors.Cluster.Runs;
using EqPropActors.Core;

namespace EqPropActors.Cli.Studies.Running;

/// <summary>
/// Runs what a study folder still lacks on the workers of a cluster, this process being the coordinator: whole runs,
/// one per worker at a time, in the study's order (<see cref="StudyRunWork"/> decides, when a run is handed out,
/// whether it is trained, resumed or only checked). Workers that join later get runs too. A worker that is lost
/// gives its run back to the queue, and another worker resumes it from its checkpoint; every worker must first show
/// that it sees the study folder at the same path (<see cref="SharedFolderProbe"/>).
/// </summary>
public sealed class ClusterStudyRunner(StudyFolder study, ClusterNode node, IStudyProgress progress, Action<string> notice)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a busy worker (still stopping an earlier child) is left alone before it is asked again.</summary>
    private static readonly TimeSpan BusyRetry = TimeSpan.FromSeconds(2);

    private readonly Dictionary<UniqueAddress, StudyWorker> _workers = [];
    private readonly HashSet<UniqueAddress> _lost = [];
    private readonly Dictionary<UniqueAddress, DateTime> _busyUntil = [];
    private readonly Dictionary<UniqueAddress, (StudyRun Run, Task<WorkerUnavailableException?> Attempt)> _running = [];

    /// <summary>
    /// How long a lost worker's run waits before another worker takes it: a worker that was only cut off downs itself
    /// after the split-brain resolver's stable-after and then stops its child, and a killed worker's child notices
    /// within a second and saves its checkpoint; two writers in one run folder must never overlap.
    /// </summary>
    private TimeSpan LostRunGrace =>
        node.System.Settings.Config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after", TimeSpan.FromSeconds(10)) + TimeSpan.FromSeconds(5);

    /// <summary>Runs the remaining work; returns false when it was cancelled before the end.</summary>
    public async Task<bool> RunAsync(CancellationToken cancellation)
    {
        var work = new StudyRunWork(study, progress);
        var queue = new StudyRunQueue(work.Remaining());
        if (queue.IsEmpty)
            return true;
        using var probe = SharedFolderProbe.Write(study.Path);
        var downer = node.System.ActorOf(UnreachableWorkerDowner.Props(notice), "eqprop-study-downer");
        using var stopRuns = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        try
        {
            int expected = Math.Max(1, node.Settings.ExpectedWorkers);
            notice($"coordinator {node.Name} is up at {node.Cluster.SelfAddress}; waiting for {expected} worker(s)");
            await Task.Run(() => ClusterWorkers.WaitFor(node, expected, "to take the study's runs", cancellation: cancellation), CancellationToken.None);
            await ScheduleAsync(work, queue, probe, cancellation, stopRuns.Token);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Interrupted while waiting for workers: nothing was handed out yet.
        }
        catch
        {
            // A worker that cannot see the folder, or no worker left: the runs under way stop at a checkpoint first.
            await stopRuns.CancelAsync();
            throw;
        }
        finally
        {
            await SettleRunningAsync();
            node.System.Stop(downer);
        }
        return !cancellation.IsCancellationRequested;
    }

    private async Task ScheduleAsync(StudyRunWork work, StudyRunQueue queue, SharedFolderProbe probe, CancellationToken cancellation, CancellationToken stopRuns)
    {
        var lastWorker = DateTime.UtcNow;
        while (!cancellation.IsCancellationRequested)
        {
            await AdmitNewWorkersAsync(probe);
            var now = DateTime.UtcNow;
            foreach (var worker in IdleWorkers(now))
            {
                if (queue.TakeNext(now) is not { } run)
                    break;
                _running[worker.Id] = (run, AttemptAsync(work, run, worker, stopRuns));
            }
            if (queue.IsEmpty && _running.Count == 0)
                return;
            if (_workers.Count > 0)
                lastWorker = now;
            else if (now - lastWorker > node.Settings.JoinTimeout)
                throw ClusterWorkers.NotEnough(node, node.Settings.JoinTimeout, 1, "to take the study's remaining runs after the last one was lost", []);
            await Task.WhenAny(_running.Values.Select(r => (Task)r.Attempt).Append(Task.Delay(Poll, cancellation)));
            await CollectEndedAttemptsAsync(queue);
        }
    }

    /// <summary>Runs one attempt at <paramref name="run"/> on <paramref name="worker"/>; returns why the worker could not finish it, if so.</summary>
    private async Task<WorkerUnavailableException?> AttemptAsync(StudyRunWork work, StudyRun run, StudyWorker worker, CancellationToken stopRuns)
    {
        try
        {
            await work.RunAsync(run, new WorkerLauncher(node.System, worker, node.Settings.MessageTimeout, notice), stopRuns);
            return null;
        }
        catch (WorkerUnavailableException e)
        {
            return e;
        }
    }

    private async Task CollectEndedAttemptsAsync(StudyRunQueue queue)
    {
        foreach (var (id, (run, attempt)) in _running.Where(r => r.Value.Attempt.IsCompleted).ToArray())
        {
            _running.Remove(id);
            if (await attempt is not { } unavailable)
                continue;
            var now = DateTime.UtcNow;
            switch (unavailable.Kind)
            {
                case WorkerUnavailability.Busy:
                    queue.PutBack(run, now);
                    _busyUntil[id] = now + BusyRetry;
                    break;
                case WorkerUnavailability.Left:
                    Forget(id);
                    queue.PutBack(run, now);
                    break;
                default:
                    Forget(id);
                    var grace = LostRunGrace;
                    queue.PutBack(run, now + grace);
                    notice($"{run.Describe()} goes to another worker in {grace.TotalSeconds:F0} s (once the lost worker's child has surely stopped), to resume from its checkpoint");
                    break;
            }
        }
    }

    /// <summary>A worker that was lost or left never gets runs again; a node that rejoins is a new member and is checked anew.</summary>
    private void Forget(UniqueAddress id)
    {
        _workers.Remove(id);
        _lost.Add(id);
    }

    /// <summary>Workers with nothing to do, in name order; an idle worker that is no longer up is dropped (it is checked again should it return).</summary>
    private IEnumerable<StudyWorker> IdleWorkers(DateTime now)
    {
        var up = ClusterWorkers.Up(node.Cluster).Select(m => m.UniqueAddress).ToHashSet();
        foreach (var id in _workers.Keys.Where(id => !up.Contains(id) && !_running.ContainsKey(id)).ToArray())
            _workers.Remove(id);
        return _workers.Values
            .Where(w => !_running.ContainsKey(w.Id) && (!_busyUntil.TryGetValue(w.Id, out var until) || until <= now))
            .OrderBy(w => w.Name, StringComparer.Ordinal)
            .ToArray();
    }

    private async Task AdmitNewWorkersAsync(SharedFolderProbe probe)
    {
        foreach (var member in ClusterWorkers.Up(node.Cluster))
        {
            if (_workers.ContainsKey(member.UniqueAddress) || _lost.Contains(member.UniqueAddress))
                continue;
            try
            {
                var worker = await CheckAsync(member, probe);
                _workers[member.UniqueAddress] = worker;
                notice($"worker {worker} sees the study folder and takes runs");
            }
            catch (Exception e) when (e is EngineFailureException or AskTimeoutException)
            {
                // Gone or silent before it got anything: a member of the same build that answers is never skipped.
                notice($"worker {member.Address} did not answer ({e.Message}); it gets no runs");
                _lost.Add(member.UniqueAddress);
            }
        }
    }

    /// <summary>Same build (wire protocol), a study-run host, and the study folder at the same path; else an error naming the worker.</summary>
    private async Task<StudyWorker> CheckAsync(Member member, SharedFolderProbe probe)
    {
        var timeout = node.Settings.MessageTimeout;
        var description = await ClusterWorkers.DescribeAsync(node, member.Address, timeout);
        IActorRef host;
        try
        {
            host = await node.System.ActorSelection(new RootActorPath(member.Address) / "user" / StudyRunHost.Name).ResolveOne(timeout);
        }
        catch (ActorNotFoundException)
        {
            throw new ConfigurationException($"worker {description.Name} ({member.Address}) has no /user/{StudyRunHost.Name}: it is not an `eqprop node` of this build");
        }
        var seen = await host.Ask<SharedFileChecked>(new CheckSharedFile(probe.Path, probe.Contents), timeout);
        if (!seen.Seen)
            throw new ConfigurationException(
                $"worker {description.Name} ({member.Address}) does not see the study folder {study.Path}: it looked for {probe.Path} and found {seen.Detail}. " +
                "Every worker must see the study folder at the same absolute path (on one machine any folder does; on several, a shared file system " +
                "such as NFS mounted at that path on every machine); see docs/studies.md");
        return new StudyWorker(member.UniqueAddress, description.Name, host);
    }

    /// <summary>Waits for every attempt under way to end (they stop at a checkpoint when cancelled), whatever ended the study.</summary>
    private async Task SettleRunningAsync()
    {
        foreach (var (_, attempt) in _running.Values)
        {
            try
            {
                await attempt;
            }
            catch (Exception e)
            {
                notice($"a run ended with an error while the study stopped: {e.Message}");
            }
        }
        _running.Clear();
    }
}

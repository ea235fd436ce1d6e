using Akka.Actor;
using Akka.Cluster;
using EqPropActors.Actors;
using EqPropActors.Actors.Coordination;
using EqPropActors.Actors.Groups;
using EqPropActors.Actors.Schedules;
using EqPropActors.Cluster.Hosting;
using ClusterSettings = EqPropActors.Cluster.Hosting.ClusterSettings;
using EqPropActors.Cluster.Links;
using EqPropActors.Cluster.Messages;
using EqPropActors.Cluster.Serialization;
using EqPropActors.Cluster.Tracing;
using EqPropActors.Core;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;
using EqPropActors.Core.Tracing;

namespace EqPropActors.Cluster;

/// <summary>
/// The actor engine spread over the members of an Akka.Cluster: this node coordinates, the group actors run on the
/// workers (or here, with no workers). The same coordinator and group actors as the in-process engine, so the
/// synchronous schedule gives the batch engine's weights bit for bit. Survives the loss of workers: the groups of
/// a lost worker are re-placed on the members left (or on one that joins), every group is restored from the last
/// parameter snapshot, and the training minibatches since are replayed — with the synchronous schedule the run then
/// ends exactly where an undisturbed run would.
/// With a trace (eqprop trace), the traced groups record their steps on the nodes they run on, and every minibatch's
/// records are gathered into the trace here once it has run.
/// </summary>
public sealed class ClusterEngine : IEngine
{
    private readonly ClusterNode _node;
    private readonly bool _ownsNode;
    private readonly ClusterSettings _settings;
    private readonly IReadOnlyList<float> _learningRates;
    private readonly ScheduleSettings _schedule;
    private readonly Action<string> _notice;
    private readonly ReplayLog _log;
    private ActorEngine _deployment = null!;
    private IReadOnlyDictionary<int, Worker> _placement = new Dictionary<int, Worker>();
    private IReadOnlyDictionary<Worker, IActorRef> _hosts = new Dictionary<Worker, IActorRef>();
    private int _generation;
    private ParameterSet? _weightsSinceRun;
    private readonly IActorRef _downer;  // the last export of the weights, while no training minibatch has run since
    private readonly RunLinkKey _linkKey;
    private readonly GroupwiseTrace? _trace;

    /// <param name="trace">Where the groups' records of their steps are gathered after a minibatch (every group it holds
    /// records its steps where it runs), or null: nothing is recorded. A trace holds one minibatch's relaxation, as
    /// eqprop trace runs one.</param>
    public ClusterEngine(ClusterNode node, NetworkSpec network, int maxRows, IReadOnlyList<float> learningRates, ScheduleSettings? schedule = null,
        Action<string>? notice = null, bool ownsNode = false, ClusterSettings? settings = null, GroupwiseTrace? trace = null)
    {
        _trace = trace;
        _node = node;
        _settings = settings ?? node.Settings;
        _ownsNode = ownsNode;
        Network = network;
        MaxRows = maxRows;
        _learningRates = learningRates;
        _schedule = schedule ?? ScheduleSettings.Synchronous;
        _notice = notice ?? (_ => { });
        _log = new ReplayLog(_settings.SnapshotEvery);
        _linkKey = RunLinkKey.Create((int)Math.Min(int.MaxValue, MessageSizes.Largest(network, maxRows).Bytes));
        _downer = node.System.ActorOf(UnreachableWorkerDowner.Props(_notice), $"eqprop-downer-{Guid.NewGuid():N}");
        // No workers expected: every group runs in this process (still through the cluster's actor system).
        try
        {
            Deploy(_settings.ExpectedWorkers == 0 ? [] : WaitForWorkers(_settings.ExpectedWorkers, "to start"));
        }
        catch
        {
            node.System.Stop(_downer);
            throw;
        }
    }

    public NetworkSpec Network { get; }
    public int MaxRows { get; }

    /// <summary>Group name → node name of the current placement.</summary>
    public IReadOnlyDictionary<string, string> Placement =>
        _placement.ToDictionary(p => Network.Groups[p.Key].Name, p => p.Value.Name);

    /// <summary>How often the engine has rebuilt its deployment after losing a worker.</summary>
    public int Recoveries => _generation - 1;

    public MinibatchReport Run(Minibatch batch, MinibatchPlan plan, float dt, float tolerance)
    {
        var entry = new ReplayLog.Entry(batch, plan, dt, tolerance);
        var run = entry.Fresh();
        var report = WithRecovery(() =>
        {
            var relaxed = _deployment.Run(run, plan, dt, tolerance);
            GatherTrace(); // inside the recovery: a worker lost while its records come is replaced, and the minibatch run again
            return relaxed;
        }, () => run = entry.Fresh());
        ReplayLog.CopyParticles(run, batch);
        if (plan.Update != UpdateMode.None)
        {
            _weightsSinceRun = null;
            if (_log.Add(entry))
                TakeSnapshot();
        }
        return report;
    }

    private void GatherTrace()
    {
        if (_trace is null)
            return;
        int chunkBytes = MessageSizes.RecordChunkBytes(_placement.Values.Select(w => w.Description.MaximumFrameBytes).Append(OwnFrameBytes).Min());
        var gathered = StepRecordGathering.Gather(_trace, group => _hosts[_placement[group]], _generation - 1, chunkBytes, _settings.MessageTimeout);
        int nodes = _trace.Groups.Select(g => _placement[g.Spec.Id]).Distinct().Count();
        _notice($"trace: gathered the step records of {gathered.Groups} group(s) from {nodes} node(s), {gathered.Bytes} bytes in {gathered.Chunks} chunk(s) of at most {chunkBytes} bytes");
    }

    private long OwnFrameBytes => _node.System.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size") ?? 128000;

    public void LoadParameters(ParameterSet weights, ParameterSet? velocity)
    {
        WithRecovery(() => { _deployment.LoadParameters(weights, velocity); return 0; });
        _log.Reset(weights.Clone(), velocity?.Clone());
    }

    public ParameterSet ExportWeights()
    {
        var weights = WithRecovery(_deployment.ExportWeights);
        _weightsSinceRun = weights.Clone();
        return weights;
    }

    /// <summary>
    /// Weights and then velocities gathered with no training in between are what the trainer writes as a checkpoint
    /// (every epoch, every --checkpoint-every minibatches): they become the snapshot a lost worker's groups are
    /// restored from, so the replay starts at the newest checkpoint.
    /// </summary>
    public ParameterSet? ExportVelocity()
    {
        var velocity = WithRecovery(_deployment.ExportVelocity);
        if (_weightsSinceRun is { } weights)
            _log.Reset(weights, velocity?.Clone());
        _weightsSinceRun = null;
        return velocity;
    }

    public ParameterSet ExportEstimate() => _deployment.ExportEstimate(); // an estimate is not restored by a replay
    public string? FindDivergedParameter(float bound) => WithRecovery(() => _deployment.FindDivergedParameter(bound));

    private void TakeSnapshot() => _log.Reset(_deployment.ExportWeights(), _deployment.ExportVelocity());

    /// <summary>Runs <paramref name="operation"/>; when it failed because workers were lost, redeploys and tries again.</summary>
    private T WithRecovery<T>(Func<T> operation, Action? beforeRetry = null)
    {
        while (true)
        {
            try
            {
                return operation();
            }
            // Without parameters loaded there is nothing to restore: the failure stands.
            catch (EngineFailureException failure) when (_log.Weights is not null && LostWorkers() is { Count: > 0 } lost)
            {
                Recover(lost, failure.Message);
                beforeRetry?.Invoke();
            }
        }
    }

    private List<Worker> LostWorkers()
    {
        // A killed worker's activity link breaks at once, but the membership learns of the loss only when the failure
        // detector gives up on its heartbeats: wait that long (its acceptable pause and two heartbeats, plus a margin)
        // before taking the failure for one that no worker caused. A fixed 2 s lost this race on a loaded machine.
        var detector = _node.System.Settings.Config.GetConfig("akka.cluster.failure-detector");
        var wait = detector.GetTimeSpan("acceptable-heartbeat-pause", TimeSpan.FromSeconds(3))
            + 2 * detector.GetTimeSpan("heartbeat-interval", TimeSpan.FromSeconds(1)) + TimeSpan.FromSeconds(1);
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            var up = UpWorkerAddresses();
            var lost = _placement.Values.Distinct().Where(w => !up.Contains(w.Address) && w.Address != _node.Cluster.SelfAddress).ToList();
            if (lost.Count > 0 || DateTime.UtcNow > deadline)
                return lost;
            Thread.Sleep(100);
        }
    }

    private void Recover(IReadOnlyList<Worker> lost, string failure)
    {
        var groups = _placement.Where(p => lost.Contains(p.Value)).Select(p => Network.Groups[p.Key].Name);
        _notice($"lost worker {string.Join(", ", lost.Select(w => $"{w.Name} ({w.Address})"))} with groups {string.Join(", ", groups)} ({failure}); " +
            $"re-placing them and replaying {_log.Count} minibatch(es) from the last snapshot");
        _deployment.Dispose();
        int expected = Math.Min(1, _settings.ExpectedWorkers); // any one worker can run every group
        Deploy(WaitForWorkers(expected, "to replace the lost one"));
        _deployment.LoadParameters(_log.Weights!, _log.Velocity);
        foreach (var entry in _log.Entries)
            _deployment.Run(entry.Fresh(), entry.Plan, entry.Dt, entry.Tolerance);
    }

    private void Deploy(IReadOnlyList<Worker> workers)
    {
        var self = new Worker(_node.Cluster.SelfAddress, new HostDescription(_node.Name, long.MaxValue, EngineMessageSerializer.ProtocolVersion, Environment.ProcessorCount));
        CheckFrames(workers);
        _placement = GroupPlacement.Assign(Network, workers.Count > 0 ? workers : [self], _settings);
        var hosts = _placement.Values.Distinct().ToDictionary(w => w, w => HostOf(w.Address));
        _hosts = hosts;
        int generation = _generation;
        foreach (var host in hosts.Values)
            host.Tell(new Actors.Messages.RetireGroups(generation));
        var traced = _trace?.Groups.Select(g => g.Spec.Id).ToHashSet();
        _deployment = new ActorEngine(_node.System, ownsSystem: false, Network, MaxRows, _learningRates, _schedule, _settings.MessageTimeout,
            spec => hosts[_placement[spec.Id]], group => ActivityLinks.For(_node.System).EndpointOf(group.Path.Address), generation,
            recordsSteps: traced is null ? null : spec => traced.Contains(spec.Id));
        _notice("placement: " + string.Join(", ", Placement.Select(p => $"{p.Key} → {p.Value}")));
        _generation = generation + 1;
    }

    private IActorRef HostOf(Address address) =>
        _node.System.ActorSelection(new RootActorPath(address) / "user" / GroupHost.Name).ResolveOne(_settings.MessageTimeout).GetAwaiter().GetResult();

    private void CheckFrames(IReadOnlyList<Worker> workers)
    {
        var (bytes, what) = MessageSizes.Largest(Network, MaxRows);
        long own = OwnFrameBytes;
        foreach (var (name, frame) in workers.Select(w => (w.Name, w.Description.MaximumFrameBytes)).Append((_node.Name + " (the coordinator)", own)))
            if (workers.Count > 0 && frame < bytes)
                throw new ConfigurationException($"node {name} accepts frames of at most {frame} bytes, but this run sends {bytes} bytes at once ({what}): " +
                    "raise akka.remote.dot-netty.tcp.maximum-frame-size in that node's configuration");
    }

    /// <summary>Waits until <paramref name="count"/> worker members are up and reachable, then asks each to describe itself.</summary>
    private IReadOnlyList<Worker> WaitForWorkers(int count, string purpose)
    {
        var workers = ClusterWorkers.WaitFor(_node, count, purpose, _settings)
            .Select(address => ClusterWorkers.Describe(_node, address, _settings.MessageTimeout)).ToList();
        var links = ActivityLinks.For(_node.System);
        foreach (var worker in workers) // the wiring tells each group how to reach its neighbours' nodes
            links.Register(worker.Address, _settings.ActivityLinks ? OpenLinks(worker) : "");
        return workers;
    }

    /// <summary>Hands the worker this run's link key; its link endpoint, or "" when links are off there.</summary>
    private string OpenLinks(Worker worker)
    {
        var info = _node.System.ActorSelection(new RootActorPath(worker.Address) / "user" / ClusterNode.InfoName);
        LinksOpened opened;
        try
        {
            opened = info.Ask<LinksOpened>(new OpenLinks(_linkKey), _settings.MessageTimeout).GetAwaiter().GetResult();
        }
        catch (AskTimeoutException)
        {
            throw new EngineFailureException($"worker {worker.Name} did not answer within {_settings.MessageTimeout.TotalSeconds:F0} s when asked to open its activity links");
        }
        return opened.Failure.Length > 0 ? throw new ConfigurationException(opened.Failure) : opened.Endpoint;
    }

    private HashSet<Address> UpWorkerAddresses() => ClusterWorkers.UpAddresses(_node.Cluster);

    public void Dispose()
    {
        _node.System.Stop(_downer);
        _deployment?.Dispose();
        foreach (var worker in _placement.Values.Distinct())
            _node.System.ActorSelection(new RootActorPath(worker.Address) / "user" / GroupHost.Name).Tell(new Actors.Messages.RetireGroups(int.MaxValue));
        if (_ownsNode)
            _node.Dispose();
    }
}

using Akka.Actor;
using Akka.Event;
using EqPropActors.Actors.Messages;
using EqPropActors.Actors.Schedules;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;
using EqPropActors.Core.Training;

namespace EqPropActors.Actors.Coordination;

/// <summary>
/// Runs the phase protocol over the group actors: start the minibatch, each phase of the plan (waiting for every
/// group's report), then the local update; gathers residuals and the output for the report. Every wait has a
/// timeout whose message names the groups that did not answer and what they were doing.
/// Sync schedule: nothing is decided between phases (each runs a fixed number of steps), so the whole plan goes out
/// with the minibatch and each group moves on as soon as it has reported; the coordinator only collects. This saves
/// a coordinator round trip per phase, which across nodes is a network round trip. Async: the coordinator ends
/// each phase, so it starts the next one itself; under local phase control the output group ends them, so the plan
/// goes out with the minibatch as under sync, and the coordinator presents the input and collects the reports.
/// </summary>
public sealed class PhaseCoordinator : ReceiveActor, IWithUnboundedStash
{
    private readonly NetworkSpec _network;
    // ρ(x) of the clamped input, alternating between minibatches: in process the groups read this very array, and
    // under the sync schedule a group may still be applying minibatch m's update (which reads it) while the
    // coordinator starts m + 1. It starts m + 2 only when every group has begun m + 1, hence finished m.
    private readonly NeuronGroup[] _inputs;
    private readonly IActorRef?[] _groups;
    private readonly int _freeGroupCount;
    private readonly TimeSpan _timeout;
    private readonly HashSet<int> _waitingFor = [];
    private readonly SortedSet<string> _lost = [];

    private long _minibatch;
    private RunMinibatch? _run;
    private IActorRef? _requester;
    private int _stage;                  // phase index, or Phases.Count for the update
    private PhaseConvergence[] _convergence = [];
    private float[] _squaredSteps = [];
    private readonly float[]?[] _stepNormsByGroup;
    private float[][] _squaredStepsByStage = [];                  // per phase: the rows' squared last steps, summed over groups
    private readonly List<RuleApplied> _freshReports = [];        // async: the groups' steps against fresh neighbour states
    private float[]? _freeOutputs;
    private ICancelable? _timer;

    private readonly ScheduleSettings _schedule;
    private readonly Dictionary<int, GroupStatus> _status = [];
    private bool _phaseEnded;
    private EngineStatistics _statistics = EngineStatistics.None;
    private readonly System.Diagnostics.Stopwatch _phaseClock = new();

    public PhaseCoordinator(NetworkSpec network, int maxRows, IReadOnlyList<float> learningRates, ScheduleSettings schedule, TimeSpan timeout)
    {
        _network = network;
        _schedule = schedule;
        _timeout = timeout;
        _inputs = [.. Enumerable.Range(0, 2).Select(_ => new NeuronGroup(network, network.GroupsOf(0)[0], maxRows, learningRates))];
        _groups = new IActorRef?[network.Groups.Count];
        _stepNormsByGroup = new float[]?[network.Groups.Count];
        _freeGroupCount = network.FreeGroups.Count();

        Receive<AttachGroups>(Attach);
        Receive<Terminated>(OnGroupTerminated);
        Receive<RunMinibatch>(Start);
        Receive<PhaseDone>(OnPhaseDone);
        Receive<GroupStatus>(OnGroupStatus);
        Receive<RuleApplied>(applied => // async only: sync updates are not waited for
        {
            if (_run is not null && applied.Minibatch == _minibatch)
                _freshReports.Add(applied);
            Acknowledge(applied.Group, applied.Minibatch);
        });
        Receive<GroupFailed>(failed => FailRun(failed.Reason, failed.Diverged));
        Receive<WaitTimedOut>(OnTimeout);
        Receive<LoadAll>(Load);
        Receive<ExportAll>(Export);
        Receive<FindDiverged>(find => Broadcast("the divergence scan", _ => find, replies => replies.ToArray()));
    }

    public IStash Stash { get; set; } = null!;

    /// <summary>Nothing is decided here between phases: under sync each runs a fixed number of steps, under local
    /// phase control the output group ends them.</summary>
    private bool SendsPlanAhead => _schedule.Kind == ScheduleKind.Sync || _schedule.PhasesEndLocally;

    public static Props Props(NetworkSpec network, int maxRows, IReadOnlyList<float> learningRates, ScheduleSettings schedule, TimeSpan timeout) =>
        Akka.Actor.Props.Create(() => new PhaseCoordinator(network, maxRows, learningRates, schedule, timeout));

    /// <summary>Wires the groups to each other and watches them: a group that stops (its node gone) fails the run.</summary>
    private void Attach(AttachGroups attach)
    {
        foreach (var spec in _network.FreeGroups)
        {
            _groups[spec.Id] = attach.GroupsById[spec.Id]?.Actor ?? throw new ArgumentException($"no actor for group {spec.Name}");
            Context.Watch(_groups[spec.Id]);
        }
        foreach (var group in FreeGroupActors)
            group.Tell(new Wire(attach.GroupsById));
        Sender.Tell(new Done(-1));
    }

    private void OnGroupTerminated(Terminated terminated)
    {
        int id = Array.IndexOf(_groups, terminated.ActorRef);
        string name = id >= 0 ? _network.Groups[id].Name : terminated.ActorRef.Path.ToString();
        _lost.Add(name);
        FailRun($"group {name} stopped (its actor {terminated.ActorRef.Path} terminated{(terminated.AddressTerminated ? ": its node is gone" : "")})", diverged: false);
    }

    private IEnumerable<IActorRef> FreeGroupActors => _groups.OfType<IActorRef>();

    private void Start(RunMinibatch run)
    {
        if (_run is not null || _lost.Count > 0)
        {
            string reason = _run is not null ? "a minibatch is already running" : $"groups {string.Join(", ", _lost)} are gone; the engine must be redeployed";
            Sender.Tell(new Status.Failure(new EngineFailureException(reason)));
            return;
        }
        (_run, _requester, _minibatch) = (run, Sender, _minibatch + 1);
        var batch = run.Batch;
        var input = _inputs[_minibatch & 1];
        input.BeginMinibatch(batch.Rows, batch.Inputs);
        _convergence = new PhaseConvergence[run.Plan.Phases.Count];
        _squaredSteps = new float[batch.Rows];
        _squaredStepsByStage = new float[run.Plan.Phases.Count][];
        _freshReports.Clear();
        _freeOutputs = null;
        _statistics = EngineStatistics.None;
        foreach (var spec in _network.FreeGroups)
            _groups[spec.Id]!.Tell(new StartMinibatch(_minibatch, batch.Rows,
                spec.Layer == 1 ? input.Rates : [],
                spec.Layer == _network.OutputLayer ? batch.Targets : [],
                batch.Particles?[spec.Layer]));
        if (SendsPlanAhead)
        {
            for (int stage = 0; stage < run.Plan.Phases.Count; stage++)
                TellGroups(StartOf(run, stage));
            if (run.Plan.Update != UpdateMode.None)
                TellGroups(ApplyOf(run));
        }
        BeginStage(0);
    }

    private void BeginStage(int stage)
    {
        var run = _run!;
        _stage = stage;
        _waitingFor.Clear();
        foreach (var spec in _network.FreeGroups)
            _waitingFor.Add(spec.Id);
        Array.Clear(_squaredSteps);
        _timer?.Cancel();
        _timer = Context.System.Scheduler.ScheduleTellOnceCancelable(_timeout, Self, new WaitTimedOut(_minibatch, stage), Self);
        if (stage < run.Plan.Phases.Count)
        {
            _phaseEnded = false;
            _status.Clear();
            _phaseClock.Restart();
        }
        if (!SendsPlanAhead)
            TellGroups(stage < run.Plan.Phases.Count ? StartOf(run, stage) : ApplyOf(run));
        Stash.UnstashAll(); // reports of this stage that came before the previous stage was complete
    }

    /// <summary>The sources' end-of-phase rates travel only when the update will read them.</summary>
    private StartPhase StartOf(RunMinibatch run, int stage)
    {
        var phase = run.Plan.Phases[stage];
        bool shared = run.Plan.Update != UpdateMode.None && NeuronGroup.ReadsSourceRatesOf(run.Plan.Rule, phase.Slot);
        return new StartPhase(_minibatch, stage, phase, run.Dt, run.Tolerance, shared);
    }

    private ApplyRule ApplyOf(RunMinibatch run) =>
        new(_minibatch, run.Plan.Rule, run.Plan.Update == UpdateMode.EstimateOnly, run.Plan.Phases.Count, Reply: !SendsPlanAhead);

    private void TellGroups(object message)
    {
        foreach (var group in FreeGroupActors)
            group.Tell(message);
    }

    private void OnPhaseDone(PhaseDone done)
    {
        if (_run is not null && done.Minibatch == _minibatch && done.PhaseIndex > _stage)
        {
            Stash.Stash(); // a group that finished the previous phase reported this one before its neighbours did the previous
            return;
        }
        if (_run is null || done.Minibatch != _minibatch || done.PhaseIndex != _stage)
            return;
        _stepNormsByGroup[done.Group] = done.StepSquaredNorms;
        var s = done.Statistics;
        _statistics = _statistics.Add(new EngineStatistics(s.MessagesSent, s.BytesSent, s.MessagesSuppressed, s.Steps, 1, s.StalenessSum, s.StalenessCount, 0,
            s.MessagesLost));
        if (done.FreeOutputs is not null)
            _freeOutputs = done.FreeOutputs;
        if (done.FreeStates is not null && _run.Batch.Particles is { } particles)
            StoreFreeStates(done.Group, done.FreeStates, particles);
        Acknowledge(done.Group, done.Minibatch);
    }

    private void Acknowledge(int group, long minibatch)
    {
        if (_run is null || minibatch != _minibatch || !_waitingFor.Remove(group) || _waitingFor.Count > 0)
            return;
        var run = _run;
        if (_stage < run.Plan.Phases.Count)
        {
            var phase = run.Plan.Phases[_stage];
            _statistics = _statistics with { PhaseSeconds = _statistics.PhaseSeconds + _phaseClock.Elapsed.TotalSeconds };
            // Summed in group order, as the batch engine does, so the figures agree to the last bit.
            foreach (var spec in _network.FreeGroups)
                System.Numerics.Tensors.TensorPrimitives.Add(_squaredSteps, _stepNormsByGroup[spec.Id], _squaredSteps);
            _convergence[_stage] = PhaseConvergence.FromSquaredSteps(phase.Name, _squaredSteps, run.Dt, run.Tolerance, phase.Steps);
            _squaredStepsByStage[_stage] = _squaredSteps.ToArray();
            bool updateNext = _stage + 1 == run.Plan.Phases.Count;
            // Sync: the groups run the update they were sent with the plan without being waited for (ApplyRule.Reply).
            if (!updateNext || (run.Plan.Update != UpdateMode.None && !SendsPlanAhead))
            {
                BeginStage(_stage + 1);
                return;
            }
        }
        Complete();
    }

    private void Complete()
    {
        var run = _run!;
        var output = _network.GroupsOf(_network.OutputLayer)[0];
        var (loss, errors) = OutputScoring.Score(_freeOutputs ?? throw new InvalidOperationException("the output group sent no free-phase states"), output.PaddedSize, output.Size,
            run.Batch.Targets, run.Batch.TargetStride, run.Batch.Labels, run.Batch.Rows);
        var report = new MinibatchReport(run.Batch.Rows, loss, errors, _convergence) { Statistics = _statistics.Add(FreshConvergence(run)) };
        Finish(report);
    }

    /// <summary>
    /// Async: each phase whose end states the update exchanged, measured again against fresh neighbour states (summed
    /// over groups in group order, per row). A sample counts as having ended its phase on stale information when its
    /// own last step said settled (within the tolerance) but the fresh measure does not.
    /// </summary>
    private EngineStatistics FreshConvergence(RunMinibatch run)
    {
        if (_freshReports.Count == 0 || _freshReports.All(r => r.FreshSteps.Count == 0))
            return EngineStatistics.None;
        double residualSum = 0;
        long phases = 0, stale = 0;
        for (int stage = 0; stage < run.Plan.Phases.Count; stage++)
        {
            int slot = run.Plan.Phases[stage].Slot;
            var fresh = new float[run.Batch.Rows];
            bool measured = false;
            foreach (var report in _freshReports.OrderBy(r => r.Group))
                foreach (var steps in report.FreshSteps.Where(f => f.Slot == slot))
                {
                    System.Numerics.Tensors.TensorPrimitives.Add(fresh, steps.SquaredSteps.AsSpan(0, fresh.Length), fresh);
                    measured = true;
                }
            if (!measured)
                continue;
            var local = _squaredStepsByStage[stage];
            for (int r = 0; r < fresh.Length; r++)
            {
                double freshResidual = Math.Sqrt(fresh[r]) / run.Dt;
                residualSum += freshResidual;
                if (Math.Sqrt(local[r]) / run.Dt <= run.Tolerance && !(freshResidual <= run.Tolerance))
                    stale++;
            }
            phases += fresh.Length;
        }
        return EngineStatistics.None with { FreshResidualSum = residualSum, FreshResidualCount = phases, StaleEndedPhases = stale };
    }

    /// <summary>
    /// Async: the phase ends when every group rests and has seen, from each of its sources, the rest count that
    /// source last reported. A Resting marker follows the source's last activity on the same link, so at that point
    /// no activity is in flight and no group can be woken again.
    /// </summary>
    private void OnGroupStatus(GroupStatus status)
    {
        if (_run is null || status.Minibatch != _minibatch || status.PhaseIndex != _stage || _phaseEnded || _schedule.PhasesEndLocally)
            return;
        _status[status.Group] = status;
        if (_status.Count < _freeGroupCount)
            return;
        foreach (var group in _status.Values)
        {
            if (!group.Resting)
                return;
            foreach (var (source, seen) in group.SeenRestCounts)
                if (seen != _status[source].RestCount)
                    return;
        }
        _phaseEnded = true;
        var end = new EndPhase(_minibatch, _stage);
        foreach (var group in FreeGroupActors)
            group.Tell(end);
    }

    private void OnTimeout(WaitTimedOut timeout)
    {
        if (_run is null || timeout.Minibatch != _minibatch || timeout.Stage != _stage)
            return;
        string stage = _stage < _run.Plan.Phases.Count ? $"the {_run.Plan.Phases[_stage].Name} phase" : "the update";
        string missing = string.Join(", ", _waitingFor.Select(id => _network.Groups[id].Name));
        string rests = _schedule.Kind == ScheduleKind.Async && !_phaseEnded
            ? " (async phase not ended; groups at rest: " + string.Join(", ", _status.Values.Where(s => s.Resting).Select(s => _network.Groups[s.Group].Name)) + ")"
            : "";
        FailRun($"minibatch {_minibatch}: no report from {missing} after {_timeout.TotalSeconds:F0} s in {stage}{rests}", diverged: false);
    }

    private void FailRun(string reason, bool diverged)
    {
        Exception failure = diverged ? new TrainingDivergedException(reason) : new EngineFailureException(reason);
        if (_requester is not null)
            Finish(new Status.Failure(failure));
        else
            Context.GetLogger().Error(failure, "group failure outside a minibatch");
    }

    private void Finish(object reply)
    {
        _timer?.Cancel();
        _requester?.Tell(reply);
        (_run, _requester) = (null, null);
    }

    /// <summary>Persistent particles: the group's free fixed point goes back into its columns of the layer's states.</summary>
    private void StoreFreeStates(int groupId, float[] states, float[][] particles)
    {
        var spec = _network.Groups[groupId];
        int layerSize = _network.LayerSizes[spec.Layer];
        for (int r = 0; r < _run!.Batch.Rows; r++)
            states.AsSpan(r * spec.Size, spec.Size).CopyTo(particles[spec.Layer].AsSpan(r * layerSize + spec.Offset));
    }

    private void Load(LoadAll load) =>
        Broadcast("loading the parameters", spec => new LoadParameters(GroupSlice.Extract(load.Weights, _network, spec),
            load.Velocity is null ? null : GroupSlice.Extract(load.Velocity, _network, spec)), replies => replies.ToArray());

    private void Export(ExportAll export) =>
        Broadcast($"exporting the {export.Kind.ToString().ToLowerInvariant()}", _ => new ExportParameters(export.Kind), replies =>
        {
            var slices = replies.Cast<GroupParameters>().Select(r => r.Slice).ToArray();
            if (slices.All(s => s is null))
                return new GatheredParameters(null);
            var set = ParameterSet.Zeros(_network.LayerSizes);
            foreach (var slice in slices)
                slice?.InsertInto(set, _network);
            return new GatheredParameters(set);
        });

    /// <summary>Requests every group answers once (parameter transfers, scans); the engine gets one reply when all have.</summary>
    private void Broadcast(string what, Func<GroupSpec, object> request, Func<object[], object> combine)
    {
        var requester = Sender;
        var specs = _network.FreeGroups.ToArray();
        var tasks = specs.Select(spec => AskGroup(spec, request(spec), what)).ToArray();
        Task.WhenAll(tasks).PipeTo(requester, success: replies =>
                replies.OfType<GroupFailed>().FirstOrDefault() is { } failed ? new Status.Failure(new EngineFailureException(failed.Reason)) : combine(replies),
            failure: e => new Status.Failure(e.InnerException ?? e));
    }

    private async Task<object> AskGroup(GroupSpec spec, object request, string what)
    {
        try
        {
            return await _groups[spec.Id]!.Ask(request, _timeout);
        }
        catch (AskTimeoutException)
        {
            throw new EngineFailureException($"group {spec.Name} ({_groups[spec.Id]!.Path}) did not answer within {_timeout.TotalSeconds:F0} s while {what}");
        }
    }
}

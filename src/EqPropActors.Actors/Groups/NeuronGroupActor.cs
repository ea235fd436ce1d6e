using System.Buffers;
using Akka.Actor;
using EqPropActors.Actors.Messages;
using EqPropActors.Actors.Schedules;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Actors.Groups;

/// <summary>
/// One neuron group as an actor: it owns the group's state, synapses and biases (a <see cref="NeuronGroup"/>,
/// stepped by the same kernel as the batch engine) and integrates what its neighbours send. Synchronous schedule:
/// a dataflow barrier per step — step t → t+1 runs once every source's step-t activity is here (Jacobi exchange:
/// each group sends its step-t rates before it waits for its neighbours', so the two-way traffic cannot deadlock).
/// Every activity carries (minibatch, phase, step); a duplicate or a gap stops the run with a message.
/// </summary>
public sealed partial class NeuronGroupActor : UntypedActor, IWithUnboundedStash
{
    private readonly NeuronGroup _group;
    private readonly IActorRef _coordinator;
    private readonly IncomingBlock[] _sources;      // non-clamped incoming blocks, one per source group
    private readonly int[] _sourceIndexById;        // group id → index in _sources, −1 when not a source
    private readonly float[]?[,] _inbox;            // [source, step parity]
    private readonly int[,] _inboxStep;             // step held in each inbox slot, −1 when empty
    private readonly bool[,] _inboxPooled;          // the slot's array is ours to return to the pool
    private readonly GroupSpec[] _targetSpecs;      // groups that receive this group's activity
    private IActorRef[] _targets = [];
    private IActorRef?[] _sourceActors = [];
    private readonly TimeSpan _stallTimeout;
    private ICancelable? _stallTimer;
    private int _stepAtLastCheck;

    private long _minibatch = -1;
    private int _phaseIndex = -1;
    private Phase? _phase;
    private float _dt;
    private int _step;
    private bool _phaseStepsDone;
    private bool _phaseInProgress;     // started and not yet reported: later phases and the update wait in the stash
    private bool _returnsFreeStates;   // persistent particles: report the free fixed point

    private readonly ScheduleSettings _schedule;
    private float _tolerance;
    private int _messagesSent, _messagesSuppressed;
    private long _bytesSent, _stalenessSum, _stalenessCount;

    public NeuronGroupActor(NeuronGroup group, IActorRef coordinator, ScheduleSettings schedule, TimeSpan? stallTimeout = null)
    {
        _stallTimeout = stallTimeout ?? TimeSpan.FromSeconds(20);
        _group = group;
        _coordinator = coordinator;
        _schedule = schedule;
        _sources = group.Incoming.Where(b => b.Source.Layer != 0).ToArray();
        _sourceIndexById = Enumerable.Repeat(-1, group.Network.Groups.Count).ToArray();
        for (int i = 0; i < _sources.Length; i++)
        {
            _sourceIndexById[_sources[i].Source.Id] = i;
            _sources[i].SourcePhaseRates = new float[PhaseSlot.Count * group.MaxRows * _sources[i].Source.PaddedSize];
        }
        _targetSpecs = group.Network.SourcesOf(Spec).Where(g => g.Layer > 0).ToArray(); // neighbours are mutual
        _drivesOfTargets = _targetSpecs
            .Select(t => schedule.DelegatesDrive && DelegatedDrive.Applies(group.Network, t) ? new DelegatedDrive(Spec, t, group.MaxRows) : null)
            .ToArray();
        _drivenBySource = schedule.DelegatesDrive && DelegatedDrive.Applies(group.Network, Spec);
        _inbox = new float[]?[_sources.Length, 2];
        _inboxStep = new int[_sources.Length, 2];
        _inboxPooled = new bool[_sources.Length, 2];
        if (schedule.Kind == ScheduleKind.Async)
            InitializeAsync();
    }

    public IStash Stash { get; set; } = null!;

    private GroupSpec Spec => _group.Spec;

    public static Props Props(NeuronGroup group, IActorRef coordinator, ScheduleSettings schedule, string dispatcher, TimeSpan? stallTimeout = null) =>
        Akka.Actor.Props.Create(() => new NeuronGroupActor(group, coordinator, schedule, stallTimeout)).WithDispatcher(dispatcher);

    private bool IsAsync => _schedule.Kind == ScheduleKind.Async;

    protected override void OnReceive(object message)
    {
        try
        {
            Handle(message);
        }
        catch (Exception e)
        {
            string reason = Fail($"{e.GetType().Name}: {e.Message}", diverged: false);
            if (message is LoadParameters or ExportParameters or FindDiverged)
                Sender.Tell(new GroupFailed(Spec.Id, reason, Diverged: false)); // the asker is waiting for an answer
        }
    }

    private void Handle(object message)
    {
        if (_pendingUpdate is not null && message is StartMinibatch or StartPhase or ApplyRule or LoadParameters or ExportParameters or FindDiverged)
        {
            Stash.Stash(); // after the update: nobody waits for it, so the next requests may already be here
            return;
        }
        if (message is Activity or ActivityUnchanged or Resting or PhaseEndActivity && !AdmitFromNeighbour(message))
            return;
        switch (message)
        {
            case Wire wire:
                _targets = _targetSpecs.Select(g => wire.GroupsById[g.Id] ?? throw new InvalidOperationException($"no actor for group {g.Name}")).ToArray();
                _sourceActors = _sources.Select(b => wire.GroupsById[b.Source.Id]).ToArray();
                SendDriveWeights();
                break;
            case DriveWeights weights:
                TakeDriveWeights(weights);
                break;
            case StartMinibatch start:
                BeginMinibatch(start);
                break;
            case StartPhase start when start.Minibatch == _minibatch && (_phaseInProgress || start.PhaseIndex > _phaseIndex + 1 || !HoldsCurrentDriveWeights()):
                Stash.Stash();
                break;
            case StartPhase start:
                BeginPhase(start);
                break;
            case Activity activity when IsAsync:
                ReceiveAsync(activity);
                break;
            case Activity activity:
                Receive(activity);
                break;
            case ActivityUnchanged unchanged:
                ReceiveAsync(unchanged);
                break;
            case Resting resting:
                ReceiveAsync(resting);
                break;
            case StallCheck check:
                OnStallCheck(check);
                break;
            case Tick tick:
                OnTick(tick);
                break;
            case EndPhase end:
                OnEndPhase(end);
                break;
            case PhaseEndActivity end:
                Receive(end);
                break;
            case ApplyRule apply when _phaseInProgress || _phaseIndex + 1 < apply.Phases: // sent ahead of phases not yet run
                Stash.Stash();
                break;
            case ApplyRule apply:
                BeginUpdate(apply);
                break;
            case LoadParameters load:
                GroupParameterMapping.Load(_group, load.Weights, load.Velocity);
                ParametersChanged();
                Sender.Tell(new Done(Spec.Id));
                break;
            case ExportParameters export:
                Sender.Tell(new GroupParameters(Spec.Id, export.Kind, GroupParameterMapping.Export(_group, export.Kind)));
                break;
            case FindDiverged find:
                Sender.Tell(new DivergenceReport(Spec.Id, _group.FindDivergedParameter(find.Bound)));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void BeginMinibatch(StartMinibatch start)
    {
        _minibatch = start.Minibatch;
        _phaseIndex = -1;
        _phase = null;
        _phaseInProgress = false;
        _sharedSlots.Clear();
        _phaseEndsReceived = 0;
        _pendingUpdate = null;
        _group.BeginMinibatch(start.Rows, _group.IsOutput ? start.Targets : []);
        foreach (var block in _group.Incoming)
            if (block.Source.Layer == 0)
                block.SourceRates = block.SourcePhaseRates = start.InputRates;
        _returnsFreeStates = start.LayerStates is not null;
        if (start.LayerStates is not null)
            _group.SetStatesFromLayer(start.LayerStates, _group.Network.LayerSizes[Spec.Layer]);
        Stash.UnstashAll();
    }

    private void BeginPhase(StartPhase start)
    {
        if (start.Minibatch != _minibatch)
            throw new InvalidOperationException($"phase {start.Phase.Name} of minibatch {start.Minibatch} arrived during minibatch {_minibatch}");
        (_phaseIndex, _phase, _dt, _tolerance, _step, _phaseStepsDone, _phaseInProgress) =
            (start.PhaseIndex, start.Phase, start.Dt, start.Tolerance, 0, false, true);
        if (start.ShareEndRates)
            _sharedSlots.Add(start.Phase.Slot);
        (_messagesSent, _messagesSuppressed, _bytesSent, _stalenessSum, _stalenessCount) = (0, 0, 0, 0, 0);
        for (int i = 0; i < _sources.Length; i++)
            _inboxStep[i, 0] = _inboxStep[i, 1] = -1;
        if (start.Phase.StartFromFreeFixedPoint)
            _group.SetStates(_group.PhaseStatesOf(PhaseSlot.Free));
        if (IsAsync)
            BeginAsyncPhase();
        SendRates(step: 0);
        // Bias + clamped input, once per minibatch: computed while the step-0 activity is on its way, not before.
        if (start.PhaseIndex == 0)
            _group.PrepareConstantDrive();
        Stash.UnstashAll();
        if (IsAsync)
        {
            Self.Tell(new Tick(_minibatch, _phaseIndex));
            return;
        }
        _stepAtLastCheck = -1;
        _stallTimer?.Cancel();
        _stallTimer = Context.System.Scheduler.ScheduleTellRepeatedlyCancelable(_stallTimeout, _stallTimeout, Self, new StallCheck(_minibatch, _phaseIndex), Self);
        Advance();
    }

    private void Receive(Activity activity)
    {
        if (!IsCurrent(activity.Minibatch, activity.PhaseIndex, activity))
            return;
        int source = SourceIndex(activity.Source);
        int parity = activity.Step & 1;
        if (!HasExpectedLength(activity, source))
            return;
        if (activity.Step < _step || activity.Step > _step + 1 || _inboxStep[source, parity] == activity.Step)
        {
            Reject(activity, $"activity of step {activity.Step} from {_sources[source].Source.Name} while at step {_step}: a step message was duplicated or lost");
            return;
        }
        _inbox[source, parity] = activity.Rates; // in-process: the sender's own buffer (see SendRates), not a copy
        _inboxPooled[source, parity] = activity.Pooled;
        _inboxStep[source, parity] = activity.Step;
        Advance();
    }

    /// <summary>
    /// True when the message belongs to the running phase. Messages of a phase or minibatch this group has not
    /// started yet (a neighbour was told first) wait in the stash; anything older does not fit (see <see cref="Reject"/>).
    /// </summary>
    private bool IsCurrent(long minibatch, int phaseIndex, object message)
    {
        if (minibatch == _minibatch && phaseIndex == _phaseIndex)
            return true;
        if (minibatch > _minibatch || (minibatch == _minibatch && phaseIndex > _phaseIndex))
        {
            Stash.Stash();
            return false;
        }
        Reject(message, $"stale {message.GetType().Name} of minibatch {minibatch} phase {phaseIndex} during minibatch {_minibatch} phase {_phaseIndex}");
        return false;
    }

    private int SourceIndex(int sourceId)
    {
        int index = sourceId < _sourceIndexById.Length ? _sourceIndexById[sourceId] : -1;
        return index >= 0 ? index : throw new InvalidOperationException($"activity from group {sourceId}, which is not a source of {Spec.Name}");
    }

    /// <summary>Takes every step whose inputs are all here (the synchronous schedule's barrier).</summary>
    private void Advance()
    {
        var phase = _phase!;
        while (_step < phase.Steps && AllSourcesAt(_step))
        {
            int parity = _step & 1;
            _stalenessCount += _sources.Length; // the barrier makes every input exactly one step old: staleness 0
            bool measure = _step == phase.Steps - 1;
            if (_drivenBySource)
                _group.StepWithDrive(_inbox[0, parity].AsSpan(0, _group.Rows * _group.Stride), _dt, phase.Beta, measure);
            else
            {
                for (int i = 0; i < _sources.Length; i++)
                    _sources[i].SourceRates = _inbox[i, parity]!;
                _group.Step(_dt, phase.Beta, measure);
            }
            for (int i = 0; i < _sources.Length; i++)
            {
                _inboxStep[i, parity] = -1;
                if (_inboxPooled[i, parity])
                    ArrayPool<float>.Shared.Return(_inbox[i, parity]!);
                _inbox[i, parity] = null;
            }
            _step++;
            if (_step < phase.Steps)
                SendRates(_step);
        }
        if (_step == phase.Steps && !_phaseStepsDone)
            FinishSteps();
    }

    /// <summary>Keeps the phase's end state (for the update) and reports the phase to the coordinator.</summary>
    private void FinishSteps()
    {
        var phase = _phase!;
        _phaseStepsDone = true;
        _stallTimer?.Cancel();
        _group.EndPhase(phase.Slot);
        ReportPhase();
    }

    private bool AllSourcesAt(int step)
    {
        int parity = step & 1;
        for (int i = 0; i < _sources.Length; i++)
            if (_inboxStep[i, parity] != step)
                return false;
        return true;
    }

    /// <summary>
    /// Sends this group's rates of step <paramref name="step"/>. Under the synchronous schedule the buffer itself is
    /// sent, without a copy: the group overwrites it only when computing step + 2, which needs every neighbour's
    /// step + 1 activity, and a neighbour sends that only after its own step with these rates (neighbours are
    /// mutual: every group a group sends to also sends to it). A delegated drive alternates between two buffers for the
    /// same reason. Asynchronous groups send pooled copies.
    /// </summary>
    private void SendRates(int step)
    {
        var rates = _group.Rates.AsSpan(0, _group.Rows * _group.Stride);
        for (int i = 0; i < _targets.Length; i++)
        {
            if (_drivesOfTargets[i] is { } drive)
            {
                // The target's drive instead of these rates (sync only; two alternating buffers, like the rates).
                _targets[i].Tell(new Activity(Spec.Id, _minibatch, _phaseIndex, step, drive.Compute(_group.Rates, _group.Rows),
                    _group.Rows * drive.Receiver.PaddedSize));
                _bytesSent += (long)_group.Rows * drive.Receiver.Size * sizeof(float);
                continue;
            }
            _targets[i].Tell(IsAsync
                ? new Activity(Spec.Id, _minibatch, _phaseIndex, step, CopyOf(rates), rates.Length) { Pooled = true }
                : new Activity(Spec.Id, _minibatch, _phaseIndex, step, _group.Rates, rates.Length));
            _bytesSent += (long)_group.Rows * Spec.Size * sizeof(float);
        }
        _messagesSent += _targets.Length;
    }

    private void ReportPhase()
    {
        var phase = _phase!;
        var norms = _group.StepSquaredNorms.ToArray();
        foreach (float norm in norms)
            if (float.IsNaN(norm))
            {
                Fail($"NaN in its state at the end of the phase", diverged: true);
                return;
            }
        bool free = phase.Slot == PhaseSlot.Free;
        float[]? freeStates = null;
        if (free && _returnsFreeStates)
        {
            var states = _group.PhaseStatesOf(PhaseSlot.Free);
            freeStates = new float[_group.Rows * Spec.Size];
            for (int r = 0; r < _group.Rows; r++)
                states.Slice(r * _group.Stride, Spec.Size).CopyTo(freeStates.AsSpan(r * Spec.Size));
        }
        float[]? outputs = _group.IsOutput && free ? _group.PhaseStatesOf(PhaseSlot.Free).ToArray() : null;
        var statistics = new GroupPhaseStatistics(_step, _messagesSent, _bytesSent, _messagesSuppressed, _stalenessSum, _stalenessCount);
        _coordinator.Tell(new PhaseDone(Spec.Id, _minibatch, _phaseIndex, norms, outputs, freeStates, statistics));
        _phaseInProgress = false;
        Stash.UnstashAll(); // the next phase or the update, if the coordinator sent it ahead
    }

    /// <summary>
    /// Sync: a step that has not advanced between two checks waits for activity that is not coming (a message lost
    /// on the way, or a neighbour stalled): the run stops naming the missing edges, well before the coordinator's
    /// own timeout would name only this group.
    /// </summary>
    private void OnStallCheck(StallCheck check)
    {
        if (check.Minibatch != _minibatch || check.PhaseIndex != _phaseIndex || _phaseStepsDone)
            return;
        if (_step != _stepAtLastCheck)
        {
            _stepAtLastCheck = _step;
            return;
        }
        int parity = _step & 1;
        var missing = Enumerable.Range(0, _sources.Length).Where(i => _inboxStep[i, parity] != _step)
            .Select(i => $"{_sources[i].Source.Name} ({_sourceActors[i]?.Path.ToString() ?? "not wired"})");
        _stallTimer?.Cancel();
        Fail($"no step-{_step} activity from {string.Join(", ", missing)} within {_stallTimeout.TotalSeconds:F0} s: the message was lost or the sender stalled",
            diverged: false);
    }

    /// <summary>An activity must hold the sender's rates for exactly the rows of this minibatch.</summary>
    private bool HasExpectedLength(Activity activity, int source)
    {
        int expected = _group.Rows * (_drivenBySource ? _group.Stride : _sources[source].Source.PaddedSize);
        if (activity.Length == expected && activity.Rates.Length >= expected)
            return true;
        Reject(activity, $"activity of {activity.Length} values from {_sources[source].Source.Name}; expected {expected}");
        return false;
    }

    private static float[] CopyOf(ReadOnlySpan<float> values)
    {
        var copy = ArrayPool<float>.Shared.Rent(values.Length);
        values.CopyTo(copy);
        return copy;
    }

    private string Fail(string reason, bool diverged)
    {
        string phase = _phase?.Name ?? "(between phases)";
        string full = $"group {Spec.Name}, minibatch {_minibatch}, {phase} phase, step {_step}: {reason}";
        _coordinator.Tell(new GroupFailed(Spec.Id, full, diverged));
        Context.Stop(Self);
        return full;
    }
}

/// <summary>Group → itself (sync schedule), every stall timeout during a phase: has the step advanced since?</summary>
internal sealed record StallCheck(long Minibatch, int PhaseIndex);

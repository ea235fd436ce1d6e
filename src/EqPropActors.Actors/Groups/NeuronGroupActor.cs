using Akka.Actor;
using Akka.Event;
using EqPropActors.Actors.Messages;
using EqPropActors.Actors.Schedules;
using EqPropActors.Actors.Transport;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Network;

namespace EqPropActors.Actors.Groups;

/// <summary>
/// One neuron group as an actor: it owns the group's state, synapses and biases (a <see cref="NeuronGroup"/>,
/// stepped by the same kernel as the batch engine) and integrates what its neighbours send.
/// <para>
/// The actor is a shell with three behaviours. *idle*: between phases, it takes the coordinator's
/// requests (a minibatch, a phase, the update, parameter transfers). *relaxing*: a phase runs, stepped by
/// the schedule's <see cref="IPhaseStepper"/> chosen at creation; requests wait in the stash. *updating*:
/// the rule waits for the sources' end-of-phase rates; requests wait in the stash. Messages of a minibatch or phase
/// the group has not started yet wait in the stash in every behaviour. Every message to a neighbour takes the channel
/// the node's transport gave for it at wiring.
/// </para>
/// </summary>
public sealed class NeuronGroupActor : UntypedActor, IWithUnboundedStash, IStepperHost
{
    private readonly NeuronGroup _group;
    private readonly IActorRef _coordinator;
    private readonly INeighbourTransport _transport;
    private readonly GroupNeighbours _neighbours;
    private readonly PhaseProgress _progress = new();
    private readonly DriveDelegation _drives;
    private readonly LocalUpdate _update;
    private readonly GroupTimeConstant _timeConstant;
    private readonly NeighbourMessageGate _gate;
    private readonly IPhaseStepper _stepper;
    private readonly UntypedReceive _idle, _relaxing, _updating; // the behaviours, each guarded once (no allocation per message)
    private readonly bool _phasesEndLocally;
    private IActorRef[] _otherGroups = [];  // local phase control: who hears the output group's end-of-phase broadcast
    private bool _returnsFreeStates;   // persistent particles: report the free fixed point
    private bool _keepsHeldViews;      // local phase control: the rule reads the sources' rates at this phase's end

    /// <param name="recorder">Watches every step (groups in this process only: it is an object, not a message); the async
    /// schedule records through it only when it is an <see cref="Core.Engines.IAsyncStepRecorder"/>.</param>
    public NeuronGroupActor(NeuronGroup group, IActorRef coordinator, ScheduleSettings schedule, INeighbourTransport transport, TimeSpan? stallTimeout = null,
        Core.Engines.IGroupStepRecorder? recorder = null)
    {
        (_group, _coordinator, _transport) = (group, coordinator, transport);
        _phasesEndLocally = schedule.PhasesEndLocally;
        _neighbours = new GroupNeighbours(group);
        _drives = new DriveDelegation(group, _neighbours, schedule.DelegatesDrive);
        _timeConstant = GroupTimeConstant.Of(schedule, group.Spec.Id);
        _update = new LocalUpdate(group, _neighbours, _timeConstant);
        _gate = new NeighbourMessageGate(group.Spec, _neighbours, Context.GetLogger());
        var sender = new ActivitySender(group, _neighbours, _drives, _progress, new ChannelImperfections(schedule, group.Spec.Id));
        _stepper = schedule.Kind == ScheduleKind.Async
            ? new AsyncStepper(group, _neighbours, _progress, sender, schedule, coordinator, this, recorder as Core.Engines.IAsyncStepRecorder)
            : new SyncStepper(group, _neighbours, _progress, sender, _drives.DrivenBySource, this, stallTimeout ?? TimeSpan.FromSeconds(20), recorder);
        (_idle, _relaxing, _updating) = (Guarded(Idle), Guarded(Relaxing), Guarded(Updating));
        Become(_idle);
    }

    public IStash Stash { get; set; } = null!;

    IActorRef IStepperHost.Self => Self;

    private GroupSpec Spec => _group.Spec;

    public static Props Props(NeuronGroup group, IActorRef coordinator, ScheduleSettings schedule, INeighbourTransport transport, string dispatcher,
        TimeSpan? stallTimeout = null, Core.Engines.IGroupStepRecorder? recorder = null) =>
        Akka.Actor.Props.Create(() => new NeuronGroupActor(group, coordinator, schedule, transport, stallTimeout, recorder)).WithDispatcher(dispatcher);

    protected override void OnReceive(object message) => Unhandled(message); // replaced by the behaviours in the constructor

    /// <summary>Between phases: takes the coordinator's requests.</summary>
    private void Idle(object message)
    {
        switch (message)
        {
            case Wire wire:
                _neighbours.Wire(wire, _transport, Spec);
                _otherGroups = wire.GroupsById.OfType<NeighbourAddress>().Select(a => a.Actor).Where(a => !a.Equals(Self)).ToArray();
                _drives.SendWeights(Self);
                break;
            case StartMinibatch start:
                BeginMinibatch(start);
                break;
            case StartPhase start when start.Minibatch == _progress.Minibatch && (start.PhaseIndex > _progress.PhaseIndex + 1 || !_drives.HoldsCurrentWeights()):
                Stash.Stash(); // sent ahead of an earlier phase, or before a receiver's synapses of this version came
                break;
            case StartPhase start:
                BeginPhase(start);
                break;
            case ApplyRule apply when _progress.PhaseIndex + 1 < apply.Phases:
                Stash.Stash(); // sent ahead of phases not yet run
                break;
            case ApplyRule apply:
                _update.Begin(apply, _progress.PhaseIndex, Self);
                Become(_updating);
                TryFinishUpdate();
                break;
            case IEngineMessage request when ParameterTransfer.IsRequest(request):
                Sender.Tell(ParameterTransfer.Answer(request, _group, () => _drives.ParametersChanged(Self)));
                break;
            default:
                AnyTime(message, stashOthers: false);
                break;
        }
    }

    /// <summary>A phase runs: the stepper steps; requests wait.</summary>
    private void Relaxing(object message)
    {
        if (message is Activity or ActivityUnchanged or Resting)
            ReceiveFromNeighbour((IEngineMessage)message);
        else if (!_stepper.ReceiveSignal(message))
            AnyTime(message, stashOthers: true);
    }

    /// <summary>The rule waits for the sources' end-of-phase rates; requests wait.</summary>
    private void Updating(object message) => AnyTime(message, stashOthers: true);

    /// <summary>What every behaviour handles alike; requests it does not handle wait in the stash (or are unhandled).</summary>
    private void AnyTime(object message, bool stashOthers)
    {
        switch (message)
        {
            case DriveWeights weights:
                _drives.Take(weights);
                if (!stashOthers)
                    Stash.UnstashAll(); // a phase may be waiting for them
                break;
            case PhaseEndActivity end when Admit(end):
                ReceivePhaseEnd(end);
                break;
            case PhaseEndActivity:
                break;
            case Activity or ActivityUnchanged or Resting:
                ReceiveFromNeighbour((IEngineMessage)message); // between phases: only ahead of this group, or out of place
                break;
            case EndPhase end when _progress.IsAhead(end.Minibatch, end.PhaseIndex):
                Stash.Stash(); // local phase control: the output group ended a phase this group has not begun yet
                break;
            case StallCheck or Tick or EndPhase:
                break; // of a phase that is over
            case IEngineMessage when stashOthers:
                Stash.Stash();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>A behaviour whose exceptions stop the run with a message naming the group, not the actor's restart.</summary>
    private UntypedReceive Guarded(UntypedReceive behaviour) => message =>
    {
        try
        {
            behaviour(message);
        }
        catch (Exception e)
        {
            string reason = FailRun($"{e.GetType().Name}: {e.Message}");
            if (ParameterTransfer.IsRequest(message))
                Sender.Tell(new GroupFailed(Spec.Id, reason, Diverged: false)); // the asker is waiting for an answer
        }
    };

    private void BeginMinibatch(StartMinibatch start)
    {
        _progress.BeginMinibatch(start.Minibatch);
        _update.BeginMinibatch();
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
        if (start.Minibatch != _progress.Minibatch)
            throw new InvalidOperationException($"phase {start.Phase.Name} of minibatch {start.Minibatch} arrived during minibatch {_progress.Minibatch}");
        _progress.BeginPhase(start);
        _keepsHeldViews = start.ShareEndRates && _phasesEndLocally;
        if (start.ShareEndRates && !_phasesEndLocally)
            _update.ShareEndRatesOf(start.Phase.Slot, start.Dt, start.Phase.Beta);
        if (start.Phase.StartFromFreeFixedPoint)
            _group.SetStates(_group.PhaseStatesOf(PhaseSlot.Free));
        Become(_relaxing);
        _stepper.Start();
        // Bias + clamped input, once per minibatch: computed while the step-0 activity is on its way, not before.
        if (start.PhaseIndex == 0)
            _group.PrepareConstantDrive();
        Stash.UnstashAll(); // activity of this phase that came before it
        _stepper.Run();
    }

    /// <summary>A neighbour's step message: to the stepper when it belongs to the running phase.</summary>
    private void ReceiveFromNeighbour(IEngineMessage message)
    {
        if (!Admit(message))
            return;
        var (source, minibatch, phaseIndex) = message switch
        {
            Activity m => (m.Source, m.Minibatch, m.PhaseIndex),
            ActivityUnchanged m => (m.Source, m.Minibatch, m.PhaseIndex),
            Resting m => (m.Source, m.Minibatch, m.PhaseIndex),
            _ => throw new ArgumentException($"{message.GetType().Name} is not a step message", nameof(message)),
        };
        if (_progress.IsAhead(minibatch, phaseIndex))
        {
            Stash.Stash(); // a neighbour was told first: it waits for this group to start the phase
            return;
        }
        if (_phasesEndLocally && IsLate(minibatch, phaseIndex))
        {
            // Local phase control: the broadcast ended this phase here while the sender was still in it. What it sent
            // meanwhile comes too late to be integrated, as in any system without a barrier.
            if (message is Activity { Pooled: true } late)
                new InboundRates(late.Rates, Owned: true).Release();
            return;
        }
        if (!_progress.IsCurrent(minibatch, phaseIndex) || _progress.StepsDone)
        {
            Reject(message, $"stale {message.GetType().Name} of minibatch {minibatch} phase {phaseIndex} during minibatch {_progress.Minibatch} phase {_progress.PhaseIndex}" +
                (_progress.StepsDone ? " (its steps are over)" : ""));
            return;
        }
        int index = _neighbours.IndexOf(source, Spec.Name);
        if (message is Activity activity && !HasExpectedLength(activity, index))
            return;
        _stepper.Receive(message, index);
    }

    private bool IsLate(long minibatch, int phaseIndex) =>
        minibatch < _progress.Minibatch || (minibatch == _progress.Minibatch && (phaseIndex < _progress.PhaseIndex || (phaseIndex == _progress.PhaseIndex && _progress.StepsDone)));

    /// <summary>An activity must hold the sender's rates (or, delegated, this group's drive) for exactly the rows of this minibatch.</summary>
    private bool HasExpectedLength(Activity activity, int source)
    {
        int expected = _group.Rows * (_drives.DrivenBySource ? _group.Stride : _neighbours.Sources[source].Source.PaddedSize);
        if (activity.Length == expected && activity.Rates.Length >= expected)
            return true;
        Reject(activity, $"activity of {activity.Length} values from {_neighbours.Sources[source].Source.Name}; expected {expected}");
        return false;
    }

    private void ReceivePhaseEnd(PhaseEndActivity end)
    {
        if (end.Minibatch > _progress.Minibatch)
        {
            Stash.Stash();
            return;
        }
        if (end.Minibatch < _progress.Minibatch)
            throw new InvalidOperationException($"phase-end rates of minibatch {end.Minibatch} during minibatch {_progress.Minibatch}");
        _update.Receive(end);
        TryFinishUpdate();
    }

    private void TryFinishUpdate()
    {
        // Async (the coordinator waits for the reply): how settled the phases really were. Under the sync barrier the
        // views are always fresh, and the measurement would only repeat the phase's own residual.
        var fresh = _update.IsPending && _update.PendingReply ? new List<FreshSteps>() : null;
        if (_update.TryApply(fresh) is not { } applied)
            return;
        if (!applied.IntoEstimate)
            _drives.ParametersChanged(Self);
        if (applied.Reply)
            _coordinator.Tell(new RuleApplied(Spec.Id, applied.Minibatch, fresh ?? []));
        Become(_idle);
        Stash.UnstashAll();
    }

    /// <summary>Keeps the phase's end state (for the update) and reports the phase to the coordinator.</summary>
    void IStepperHost.FinishPhase()
    {
        _progress.StepsDone = true;
        var phase = _progress.CurrentPhase;
        _group.EndPhase(phase.Slot);
        if (_keepsHeldViews)
            _update.KeepHeldViewsOf(phase.Slot);
        var norms = _group.StepSquaredNorms.ToArray();
        _timeConstant.ToNominalSquaredSteps(norms); // the coordinator reads residuals as √norm / dt
        if (norms.Any(float.IsNaN))
        {
            FailRun("NaN in its state at the end of the phase", diverged: true);
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
        _coordinator.Tell(new PhaseDone(Spec.Id, _progress.Minibatch, _progress.PhaseIndex, norms, outputs, freeStates, _progress.Statistics()));
        Become(_idle);
        Stash.UnstashAll(); // the next phase or the update, if the coordinator sent it ahead
    }

    /// <summary>Local phase control, output group: the phase ends here, and for every other group when this reaches it.</summary>
    void IStepperHost.EndPhaseEverywhere()
    {
        var end = new EndPhase(_progress.Minibatch, _progress.PhaseIndex);
        foreach (var group in _otherGroups)
            group.Tell(end, Self);
        ((IStepperHost)this).FinishPhase();
    }

    private bool Admit(IEngineMessage message) => _gate.Admit(message, Sender, _progress.Minibatch, Stash.Count);

    public void Reject(object message, string problem) => _gate.Reject(message, Sender, problem);

    void IStepperHost.Fail(string reason) => FailRun(reason);

    ICancelable IStepperHost.ScheduleRepeatedly(TimeSpan interval, object message) =>
        Context.System.Scheduler.ScheduleTellRepeatedlyCancelable(interval, interval, Self, message, Self);

    private string FailRun(string reason, bool diverged = false)
    {
        string full = $"group {Spec.Name}, {_progress.Describe()}: {reason}";
        _coordinator.Tell(new GroupFailed(Spec.Id, full, diverged));
        Context.Stop(Self);
        return full;
    }
}

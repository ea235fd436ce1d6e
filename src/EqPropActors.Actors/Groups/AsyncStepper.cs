using System.Numerics.Tensors;
using Akka.Actor;
using EqPropActors.Actors.Messages;
using EqPropActors.Actors.Schedules;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Randomness;

namespace EqPropActors.Actors.Groups;

/// <summary>
/// The asynchronous schedule: no barrier. The group steps whenever its own tick comes round, with the newest
/// activity of each neighbour that has "arrived" under the configured delay and jitter, leading its neighbours by
/// a bounded number of steps. Every step is the same simulated time dt in every group; a group with time constant
/// τ_g integrates it as an Euler step of dt/τ_g (<see cref="GroupTimeConstant"/>). When a step moves it less than the
/// tolerance (or its step budget is spent) it comes to rest and tells its neighbours; new activity wakes it. The coordinator ends the phase once every group rests
/// and every rest has been seen by every neighbour. Not deterministic: the interleaving of ticks and messages
/// depends on threads.
/// </summary>
internal sealed class AsyncStepper : IPhaseStepper
{
    /// <summary>Where the group is within a phase.</summary>
    private enum State
    {
        /// <summary>A tick is on its way: the group takes a step when it comes.</summary>
        Stepping,

        /// <summary>The tick is parked until a neighbour catches up (the lead bound).</summary>
        WaitingForNeighbours,

        /// <summary>Settled or out of steps: only new activity wakes it.</summary>
        Resting,
    }

    private readonly NeuronGroup _group;
    private readonly GroupNeighbours _neighbours;
    private readonly PhaseProgress _progress;
    private readonly ActivitySender _sender;
    private readonly ScheduleSettings _schedule;
    private readonly IActorRef _coordinator;
    private readonly IStepperHost _host;
    private readonly Random _random;
    private readonly GroupTimeConstant _timeConstant;
    // Per source: recent activities, newest last; Delay in steps of dt, possibly fractional.
    private readonly (InboundRates Rates, int Step, double Delay)[][] _history;
    private readonly int[] _latestStep;
    private readonly int[] _integratedStep;  // per source: the step of the activity the last step integrated
    private readonly int[] _seenRestCount;   // per source: rest count of its last Resting marker, −1 while it is active
    private readonly int[] _restHeardStep;   // per source: the newest step of this group's activity it had received when it last rested
    private readonly int[] _targetOfSource;  // per source: its index among the targets (neighbours are mutual), −1 if none
    private readonly float[] _lastSent;
    private readonly float[] _change;
    private readonly float[] _unsent;        // sigma-delta: |change not sent| summed over the steps since the last send
    private readonly bool _endsPhases;       // local phase control: this is the output group, whose own decision ends each phase
    private int _quietWindow;                // local phase control: settled steps in a row that end a phase (see QuietWindow)
    private readonly float[][] _silence;     // per source: the view of a source not heard from in this phase (zeros)
    private int _quietSteps;
    private readonly bool[]? _updates;       // --update-prob: which neurons (of which samples) update at this step
    private State _state;
    private Tick? _parkedTick;
    private int _longestDelaySteps;          // delay + jitter in whole steps of this phase's dt, rounded up
    private int _restCount;
    private readonly IAsyncStepRecorder? _recorder; // a trace (eqprop trace); null in training, where it costs one null check per event
    private readonly int[] _sourceIds;

    public AsyncStepper(NeuronGroup group, GroupNeighbours neighbours, PhaseProgress progress, ActivitySender sender, ScheduleSettings schedule,
        IActorRef coordinator, IStepperHost host, IAsyncStepRecorder? recorder = null)
    {
        (_recorder, _sourceIds) = (recorder, neighbours.Sources.Select(b => b.Source.Id).ToArray());
        (_group, _neighbours, _progress, _sender, _schedule, _coordinator, _host) = (group, neighbours, progress, sender, schedule, coordinator, host);
        _random = SeedDerivation.Generator(schedule.Seed, "async-group", group.Spec.Id);
        _timeConstant = GroupTimeConstant.Of(schedule, group.Spec.Id);
        int sources = neighbours.Sources.Length;
        _history = Enumerable.Range(0, sources).Select(_ => Array.Empty<(InboundRates, int, double)>()).ToArray();
        _latestStep = new int[sources];
        _integratedStep = new int[sources];
        _seenRestCount = new int[sources];
        _restHeardStep = new int[sources];
        _targetOfSource = neighbours.Sources.Select(b => Array.FindIndex(neighbours.TargetSpecs, g => g.Id == b.Source.Id)).ToArray();
        _lastSent = new float[group.MaxRows * group.Stride];
        _change = new float[group.MaxRows * group.Stride];
        _unsent = new float[group.MaxRows * group.Stride];
        _updates = schedule.UpdateProbability < 1 ? new bool[group.MaxRows * group.Stride] : null;
        _endsPhases = schedule.PhasesEndLocally && group.IsOutput;
        _silence = neighbours.Sources.Select(b => new float[group.MaxRows * b.Source.PaddedSize]).ToArray();
    }

    public void Start()
    {
        for (int i = 0; i < _neighbours.Sources.Length; i++)
        {
            foreach (var old in _history[i])
                old.Rates.Release();
            _history[i] = [];
            _latestStep[i] = -1;
            _integratedStep[i] = -1;
            _seenRestCount[i] = -1;
            _restHeardStep[i] = -1;
            _neighbours.Sources[i].SourceRates = _silence[i]; // not the views just released
        }
        (_parkedTick, _state, _restCount, _quietSteps) = (null, State.Stepping, 0, 0);
        _longestDelaySteps = SimulatedTime.LongestDelaySteps(_schedule, _progress.Dt); // dt may differ per phase
        _quietWindow = QuietWindow(_schedule.MaxLead + _longestDelaySteps, _group.Network.PairCount);
        _group.Rates.AsSpan(0, _group.Rows * _group.Stride).CopyTo(_lastSent);
        Array.Clear(_unsent);
        _sender.Copied(step: 0, _host.Self);
        _recorder?.ActivitySent(_group.Spec.Id, _progress.PhaseIndex, step: 0);
    }

    public void Run() => _host.Self.Tell(new Tick(_progress.Minibatch, _progress.PhaseIndex));

    /// <summary>The newest entry that has arrived by <paramref name="clock"/> (the oldest held if none has).</summary>
    private static (InboundRates Rates, int Step, double Delay) NewestArrived((InboundRates Rates, int Step, double Delay)[] history, int clock)
    {
        if (history.Length == 0)
            return default;
        var chosen = history[0];
        foreach (var entry in history)
            if (entry.Step + entry.Delay <= clock)
                chosen = entry;
        return chosen;
    }

    public void Receive(IEngineMessage message, int source)
    {
        switch (message)
        {
            case Activity activity:
                Receive(activity, source);
                break;
            case ActivityUnchanged unchanged:
                if (AdvanceSourceStep(unchanged, source, unchanged.Step))
                    ResumeParkedTick();
                break;
            case Resting resting:
                _seenRestCount[source] = resting.RestCount;
                _restHeardStep[source] = resting.HeardStep;
                if (_state == State.Resting)
                    ReportStatus();
                ResumeParkedTick();
                break;
            default:
                _host.Reject(message, $"a {message.GetType().Name} during a phase");
                break;
        }
    }

    public bool ReceiveSignal(object message)
    {
        switch (message)
        {
            case Tick tick:
                OnTick(tick);
                return true;
            case EndPhase end when _progress.IsAhead(end.Minibatch, end.PhaseIndex):
                return false; // local phase control: waits for its phase (see the group actor)
            case EndPhase end:
                if (_progress.IsCurrent(end.Minibatch, end.PhaseIndex) && !_progress.StepsDone)
                {
                    if (_schedule.PhasesEndLocally)
                        WireHeldViews(); // what the rule reads: the views held now, also those that came since the last step
                    _host.FinishPhase();
                }
                return true;
            default:
                return false;
        }
    }

    private void Receive(Activity activity, int source)
    {
        var rates = new InboundRates(activity.Rates, activity.Pooled);
        if (!AdvanceSourceStep(activity, source, activity.Step))
            return;
        _seenRestCount[source] = -1; // the source is active again
        _recorder?.ActivityReceived(_group.Spec.Id, _progress.PhaseIndex, _sourceIds[source], activity.Step);
        // Delay and jitter are times (units of τ0); the clocks count steps of dt, so the delay is dt-steps, fractional.
        double jitter = _schedule.Jitter > 0 ? _schedule.Jitter * _random.NextDouble() : 0;
        double delay = SimulatedTime.StepsIn(_schedule.Delay + jitter, _progress.Dt);
        var history = _history[source];
        // A source runs at most MaxLead + delay + jitter steps ahead of this group (the lead bound) and its messages
        // arrive up to delay + jitter steps after they were sent, so older entries can never be chosen again.
        int keep = _schedule.MaxLead + 2 * _longestDelaySteps + 2;
        if (history.Length >= keep)
        {
            foreach (var old in history[..^(keep - 1)])
                old.Rates.Release();
            history = history[^(keep - 1)..];
        }
        _history[source] = [.. history, (rates, activity.Step, delay)];
        var phase = _progress.CurrentPhase;
        if (_state == State.Resting && _progress.Step >= phase.Steps)
        {
            // Out of steps, it cannot wake: it says once more that it rests, now having heard this activity, so that
            // the sender does not wait for it to move (see AheadOfNeighbours).
            AnnounceRest(source);
        }
        else if (_state == State.Resting)
        {
            // New input: take steps again. A group at rest is stationary while time goes on, so its clock joins the
            // waking neighbour's (that activity is the input of step k → k+1); otherwise the budget would count
            // time spent resting against its neighbours only and the lead bound would misjudge who is behind.
            _progress.Step = Math.Min(Math.Max(_progress.Step, activity.Step), phase.Steps - 1);
            // Its neighbours see its clock where its last message left it; tell them it joined, or one that waits
            // for it under the lead bound and one it now waits for can each wait for the other.
            if (_progress.Step > _sender.LatestStep)
                _sender.Unchanged(_progress.Step, _host.Self);
            _state = State.Stepping;
            ReportStatus();
            _host.Self.Tell(new Tick(_progress.Minibatch, _progress.PhaseIndex));
        }
        ResumeParkedTick();
    }

    private bool AdvanceSourceStep(IEngineMessage message, int source, int step)
    {
        if (step <= _latestStep[source])
        {
            _host.Reject(message, $"activity of step {step} from {_neighbours.Sources[source].Source.Name} after its step {_latestStep[source]}: " +
                "a step message was duplicated or reordered");
            return false;
        }
        _latestStep[source] = step;
        return true;
    }

    private void ResumeParkedTick()
    {
        if (_state != State.WaitingForNeighbours)
            return;
        _state = State.Stepping;
        _host.Self.Tell(_parkedTick!);
        _parkedTick = null;
    }

    private void OnTick(Tick tick)
    {
        if (!_progress.IsCurrent(tick.Minibatch, tick.PhaseIndex) || _progress.StepsDone || _state != State.Stepping)
            return; // stale, or at rest: only new activity wakes a resting group
        var phase = _progress.CurrentPhase;
        if (AheadOfNeighbours())
        {
            (_state, _parkedTick) = (State.WaitingForNeighbours, tick); // resumed by the next message from a neighbour
            return;
        }
        ChooseInputs();
        _group.Step(_timeConstant.StepOf(_progress.Dt), phase.Beta, measureStep: true);
        if (_updates is not null)
            KeepSomeUpdates(_updates);
        _group.LearnFromStep(phase.Plasticity, phase.Beta); // from the views this step read, as a synapse would see them
        _recorder?.AsyncStepTaken(_group, _progress.PhaseIndex, _timeConstant.StepOf(_progress.Dt), _progress.Step, _integratedStep, _sourceIds);
        _progress.Step++;
        bool converged = LocallyConverged();
        // Activity newer than what this step integrated (still on its way, or come during the step) may move the group: it rests only after.
        bool awaitsDelivery = converged && HoldsActivityNotYetIntegrated();
        bool rests = (converged && !awaitsDelivery) || _progress.Step >= phase.Steps;
        _quietSteps = converged && !awaitsDelivery ? _quietSteps + 1 : 0;
        // The output group under local phase control does not rest: it ends the phase, or steps on until it may.
        bool endsPhase = _endsPhases && (_quietSteps >= _quietWindow || _progress.Step >= phase.Steps);
        bool keepsStepping = !rests || (_endsPhases && !endsPhase);
        if (rests && _schedule.SendMode == SendMode.SigmaDelta)
        {
            // Sigma-delta: the neighbours' view of a resting group is its state, so nothing stays unsent.
            if (DiffersFromLastSent())
                Send();
            else if (keepsStepping)
                _sender.Unchanged(_progress.Step, _host.Self);
        }
        else if (!converged)
        {
            // A step that moved the group less than the tolerance is not sent: its neighbours would only be woken to
            // move by even less, and wake it again in turn. The Resting marker tells them it has stopped.
            SendIfChanged();
        }
        else if (keepsStepping)
        {
            // Settled but still stepping: a payload-free marker shows the neighbours that its clock goes on, so that
            // none of them waits for it under the lead bound while it waits for their (delayed) activity.
            _sender.Unchanged(_progress.Step, _host.Self);
        }
        if (endsPhase)
            _host.EndPhaseEverywhere(); // settled for the quiet window, or its own clock ran out of the phase's steps
        else if (keepsStepping)
            _host.Self.Tell(tick);
        else
            ComeToRest();
    }

    /// <summary>
    /// Local phase control: the output group ends a phase once it has been settled for this many steps in a row. One
    /// settled step proves little: at the start of a phase nothing has reached the output yet, and a change takes up
    /// to the lead bound plus the delay and jitter to cross each layer pair. The window is that time for every pair.
    /// </summary>
    internal static int QuietWindow(int leadSteps, int layerPairs) => layerPairs * leadSteps + 1;

    /// <summary>Local phase control, at a broadcast: each source's newest view that has arrived by now (the oldest
    /// held if none has; zeros for a source not heard from in this phase).</summary>
    private void WireHeldViews()
    {
        for (int i = 0; i < _neighbours.Sources.Length; i++)
        {
            if (_history[i].Length > 0) // otherwise still the silence wired at the start
                _neighbours.Sources[i].SourceRates = NewestArrived(_history[i], Clock).Rates.Values;
        }
    }

    /// <summary>Finer asynchrony: each neuron of each sample keeps this step with probability --update-prob.</summary>
    private void KeepSomeUpdates(bool[] updates)
    {
        int length = _group.Rows * _group.Stride;
        for (int i = 0; i < length; i++)
            updates[i] = _random.NextDouble() < _schedule.UpdateProbability;
        _group.KeepStepOf(updates);
    }

    /// <summary>Stops stepping until new activity arrives, and says so after everything already sent.</summary>
    private void ComeToRest()
    {
        _state = State.Resting;
        _restCount++;
        for (int t = 0; t < _neighbours.Targets.Length; t++)
            SendResting(t);
        ReportStatus();
    }

    /// <summary>Repeats the current Resting marker to one source (neighbours are mutual: a source is a target too).</summary>
    private void AnnounceRest(int source)
    {
        if (_targetOfSource[source] >= 0)
            SendResting(_targetOfSource[source]);
    }

    /// <summary>The marker names the newest step of the target's own activity this group had received when it came
    /// to rest, so the target can tell a rest that already answers its latest activity from one sent before it arrived.</summary>
    private void SendResting(int target)
    {
        int source = _neighbours.TryIndexOf(_neighbours.TargetSpecs[target].Id);
        int heard = source >= 0 ? _latestStep[source] : int.MaxValue;
        _neighbours.Targets[target].Send(new Resting(_group.Spec.Id, _progress.Minibatch, _progress.PhaseIndex, _restCount, heard), _host.Self);
    }

    /// <summary>
    /// True while some neighbour has sent nothing yet, or lags more than the lead bound behind this group. A resting
    /// neighbour does not hold it back, unless that rest came before the neighbour received this group's latest
    /// activity: then it is about to wake and integrate it at that activity's time, and running on ahead of it would
    /// let this group's clock outrun the time its own message takes effect (the nudge could seem to have settled
    /// before the layer below had seen it).
    /// </summary>
    private bool AheadOfNeighbours()
    {
        int lead = _schedule.MaxLead + _longestDelaySteps;
        for (int i = 0; i < _neighbours.Sources.Length; i++)
        {
            bool restsForGood = _seenRestCount[i] >= 0 && (_targetOfSource[i] < 0 || _restHeardStep[i] >= _sender.LatestDeliveredStep[_targetOfSource[i]]);
            if (_history[i].Length == 0 || (!restsForGood && _latestStep[i] < _progress.Step - lead))
                return true;
        }
        return false;
    }

    /// <summary>
    /// A message sent at its sender's step k arrives at time k + delay, and this group, at its own step t, integrates
    /// the newest message that has arrived by t (the delay is in steps of dt, possibly fractional: a message arrives at
    /// the first step at or after k + delay). Steps are the same time dt in every group, whatever its τ, so this
    /// group's clock is the time: a message in flight arrives whether or not its sender still steps, and a sender that
    /// runs ahead is not seen ahead of time.
    /// </summary>
    private int Clock => _progress.Step;

    /// <summary>
    /// True when some source's newest activity is newer than the one this group's last step integrated: still on its
    /// way under the delay, or arrived during the step (a message that arrives while the group steps does not wake
    /// it, since it is not resting). A step that did not move the group proves it settled only against the views it
    /// used, so it must not rest on a newer one it holds.
    /// </summary>
    private bool HoldsActivityNotYetIntegrated()
    {
        for (int i = 0; i < _neighbours.Sources.Length; i++)
            if (_history[i] is [.., var newest] && newest.Step > _integratedStep[i])
                return true;
        return false;
    }

    /// <summary>Wires each source's newest activity that has arrived under its delay (the oldest held if none has).</summary>
    private void ChooseInputs()
    {
        for (int i = 0; i < _neighbours.Sources.Length; i++)
        {
            var chosen = NewestArrived(_history[i], Clock);
            _neighbours.Sources[i].SourceRates = chosen.Rates.Values;
            _integratedStep[i] = chosen.Step;
            _progress.StalenessSum += _progress.Step - chosen.Step;
            _progress.StalenessCount++;
        }
    }

    /// <summary>
    /// Event-driven sending: the activity goes out only when some rate moved by more than the threshold since the
    /// last send; otherwise a payload-free marker, so that neighbours can tell an unchanged group from a slow one.
    /// </summary>
    private void SendIfChanged()
    {
        if (_schedule.SendThreshold > 0 && !ChangeCrossesThreshold())
        {
            _sender.Unchanged(_progress.Step, _host.Self);
            return;
        }
        Send();
    }

    /// <summary>
    /// Threshold mode: the change since the last send. Sigma-delta: that change summed over every step since the last
    /// send, per neuron and sample, so a difference of d is sent after at most threshold / d steps.
    /// </summary>
    private bool ChangeCrossesThreshold()
    {
        int length = _group.Rows * _group.Stride;
        var change = _change.AsSpan(0, length);
        TensorPrimitives.Subtract(_group.Rates.AsSpan(0, length), _lastSent.AsSpan(0, length), change);
        if (_schedule.SendMode == SendMode.Threshold)
            return TensorPrimitives.MaxMagnitude<float>(change) > _schedule.SendThreshold;
        var unsent = _unsent.AsSpan(0, length);
        TensorPrimitives.Abs(change, change);
        TensorPrimitives.Add(unsent, change, unsent);
        return TensorPrimitives.Max<float>(unsent) > _schedule.SendThreshold;
    }

    private bool DiffersFromLastSent()
    {
        int length = _group.Rows * _group.Stride;
        return !_group.Rates.AsSpan(0, length).SequenceEqual(_lastSent.AsSpan(0, length));
    }

    private void Send()
    {
        int length = _group.Rows * _group.Stride;
        _group.Rates.AsSpan(0, length).CopyTo(_lastSent);
        _unsent.AsSpan(0, length).Clear();
        _sender.Copied(_progress.Step, _host.Self); // a resting neighbour wakes on it (or, out of steps, says it rests again)
        _recorder?.ActivitySent(_group.Spec.Id, _progress.PhaseIndex, _progress.Step);
    }

    /// <summary>The step's residual ‖Δs‖/(dt/τ_g) is within the tolerance: judged per step length, so a slow group
    /// (whose steps are short) is not taken for settled while its residual is still large.</summary>
    private bool LocallyConverged()
    {
        float limit = _progress.Tolerance * _timeConstant.StepOf(_progress.Dt);
        foreach (float squared in _group.StepSquaredNorms)
            if (!(squared <= limit * limit))
                return false;
        return true;
    }

    /// <summary>Coordinated phases: the coordinator's view for its quiescence detection (none under local control).</summary>
    private void ReportStatus()
    {
        if (_schedule.PhasesEndLocally)
            return;
        var seen = new Dictionary<int, int>(_neighbours.Sources.Length);
        for (int i = 0; i < _neighbours.Sources.Length; i++)
            seen[_neighbours.Sources[i].Source.Id] = _seenRestCount[i];
        _coordinator.Tell(new GroupStatus(_group.Spec.Id, _progress.Minibatch, _progress.PhaseIndex, _state == State.Resting, _restCount, seen));
    }
}

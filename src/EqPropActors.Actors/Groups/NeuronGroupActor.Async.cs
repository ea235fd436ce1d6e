using System.Buffers;
using Akka.Actor;
using EqPropActors.Actors.Messages;
using EqPropActors.Actors.Schedules;
using EqPropActors.Core.Randomness;

namespace EqPropActors.Actors.Groups;

/// <summary>
/// The asynchronous schedule: no barrier. The group steps whenever its own tick comes round, with the newest
/// activity of each neighbour that has "arrived" under the configured delay and jitter, leading its neighbours by
/// a bounded number of steps. When a step moves it less than the tolerance (or its step budget is spent) it comes
/// to rest and tells its neighbours; new activity wakes it. The coordinator ends the phase once every group rests
/// and every rest has been seen by every neighbour. Not deterministic: the interleaving of ticks and messages
/// depends on threads.
/// </summary>
public sealed partial class NeuronGroupActor
{
    private Random _random = null!;
    private double _speed, _progress;
    private (float[] Rates, int Step, int Delay)[][] _history = [];  // per source: recent activities, newest last
    private int[] _latestStep = [];
    private int[] _seenRestCount = [];   // per source: rest count of its last Resting marker, −1 while it is active
    private float[] _lastSent = [];
    private float[] _change = [];
    private Tick? _waitingTick;          // set while the group waits for a neighbour to catch up
    private bool _resting;
    private int _restCount;

    private void InitializeAsync()
    {
        _random = SeedDerivation.Generator(_schedule.Seed, "async-group", Spec.Id);
        _speed = 1 - _schedule.RateSpread * _random.NextDouble();
        _history = _sources.Select(_ => Array.Empty<(float[], int, int)>()).ToArray();
        _latestStep = new int[_sources.Length];
        _seenRestCount = new int[_sources.Length];
        _lastSent = new float[_group.MaxRows * _group.Stride];
        _change = new float[_group.MaxRows * _group.Stride];
    }

    private void BeginAsyncPhase()
    {
        for (int i = 0; i < _sources.Length; i++)
        {
            foreach (var old in _history[i])
                ArrayPool<float>.Shared.Return(old.Rates);
            _history[i] = [];
            _latestStep[i] = -1;
            _seenRestCount[i] = -1;
        }
        (_progress, _waitingTick, _resting, _restCount) = (0, null, false, 0);
        _group.Rates.AsSpan(0, _group.Rows * _group.Stride).CopyTo(_lastSent);
    }

    private void ReceiveAsync(ActivityUnchanged unchanged)
    {
        if (!IsCurrent(unchanged.Minibatch, unchanged.PhaseIndex, unchanged))
            return;
        if (AdvanceSourceStep(unchanged, SourceIndex(unchanged.Source), unchanged.Step))
            ResumeWaitingTick();
    }

    private void ReceiveAsync(Resting resting)
    {
        if (!IsCurrent(resting.Minibatch, resting.PhaseIndex, resting))
            return;
        _seenRestCount[SourceIndex(resting.Source)] = resting.RestCount;
        if (_resting)
            ReportStatus();
        ResumeWaitingTick();
    }

    private void ReceiveAsync(Activity activity)
    {
        if (!IsCurrent(activity.Minibatch, activity.PhaseIndex, activity))
            return;
        int source = SourceIndex(activity.Source);
        if (!HasExpectedLength(activity, source) || !AdvanceSourceStep(activity, source, activity.Step))
            return;
        _seenRestCount[source] = -1; // the source is active again
        int delay = _schedule.DelaySteps + (_schedule.Jitter > 0 ? _random.Next(_schedule.Jitter + 1) : 0);
        var history = _history[source];
        int keep = _schedule.DelaySteps + _schedule.Jitter + 1;
        if (history.Length >= keep)
        {
            // Entries older than the longest possible delay can never be chosen again.
            foreach (var old in history[..^(keep - 1)])
                ArrayPool<float>.Shared.Return(old.Rates);
            history = history[^(keep - 1)..];
        }
        _history[source] = [.. history, (activity.Rates, activity.Step, delay)];
        if (_resting && _step < _phase!.Steps)
        {
            // New input: take steps again. A group at rest is stationary while time goes on, so its clock joins the
            // waking neighbour's (that activity is the input of step k → k+1); otherwise the budget would count
            // time spent resting against its neighbours only and the lead bound would misjudge who is behind.
            _step = Math.Min(Math.Max(_step, activity.Step), _phase.Steps - 1);
            _resting = false;
            ReportStatus();
            Self.Tell(new Tick(_minibatch, _phaseIndex));
        }
        ResumeWaitingTick();
    }

    private bool AdvanceSourceStep(object message, int source, int step)
    {
        if (step <= _latestStep[source])
        {
            Reject(message, $"activity of step {step} from {_sources[source].Source.Name} after its step {_latestStep[source]}: " +
                "a step message was duplicated or reordered");
            return false;
        }
        _latestStep[source] = step;
        return true;
    }

    private void ResumeWaitingTick()
    {
        if (_waitingTick is { } tick)
        {
            _waitingTick = null;
            Self.Tell(tick);
        }
    }

    private void OnTick(Tick tick)
    {
        if (tick.Minibatch != _minibatch || tick.PhaseIndex != _phaseIndex || _phaseStepsDone || _resting)
            return; // stale, or at rest: only new activity wakes a resting group
        var phase = _phase!;
        if (AheadOfNeighbours())
        {
            _waitingTick = tick; // resumed by the next message from a neighbour
            return;
        }
        _progress += _speed;
        if (_progress < 1)
        {
            Self.Tell(tick); // idle tick: this group is slower than its neighbours
            return;
        }
        _progress -= 1;
        ChooseInputs();
        _group.Step(_dt, phase.Beta, measureStep: true);
        _step++;
        bool converged = LocallyConverged();
        // A step that moved the group less than the tolerance is not sent: its neighbours would only be woken to
        // move by even less, and wake it again in turn. The Resting marker tells them it has stopped.
        if (!converged)
            SendIfChanged();
        if (converged || _step >= phase.Steps)
            ComeToRest();
        else
            Self.Tell(tick);
    }

    /// <summary>Stops stepping until new activity arrives, and says so after everything already sent.</summary>
    private void ComeToRest()
    {
        _resting = true;
        _restCount++;
        foreach (var target in _targets)
            target.Tell(new Resting(Spec.Id, _minibatch, _phaseIndex, _restCount));
        ReportStatus();
    }

    /// <summary>True while some neighbour has sent nothing yet, or lags more than the lead bound behind this group.</summary>
    private bool AheadOfNeighbours()
    {
        int lead = _schedule.MaxLead + _schedule.DelaySteps + _schedule.Jitter;
        for (int i = 0; i < _sources.Length; i++)
            if (_history[i].Length == 0 || (_seenRestCount[i] < 0 && _latestStep[i] < _step - lead))
                return true;
        return false;
    }

    /// <summary>Wires each source's newest activity that has arrived under its delay (the oldest held if none has).</summary>
    private void ChooseInputs()
    {
        for (int i = 0; i < _sources.Length; i++)
        {
            var history = _history[i];
            var chosen = history[0];
            foreach (var entry in history)
                if (entry.Step + entry.Delay <= _latestStep[i])
                    chosen = entry;
            _sources[i].SourceRates = chosen.Rates;
            _stalenessSum += _step - chosen.Step;
            _stalenessCount++;
        }
    }

    /// <summary>
    /// Event-driven sending: the activity goes out only when some rate moved by more than the threshold since the
    /// last send; otherwise a payload-free marker, so that neighbours can tell an unchanged group from a slow one.
    /// </summary>
    private void SendIfChanged()
    {
        int length = _group.Rows * _group.Stride;
        var rates = _group.Rates.AsSpan(0, length);
        if (_schedule.SendThreshold > 0)
        {
            var change = _change.AsSpan(0, length);
            System.Numerics.Tensors.TensorPrimitives.Subtract(rates, _lastSent.AsSpan(0, length), change);
            if (System.Numerics.Tensors.TensorPrimitives.MaxMagnitude<float>(change) <= _schedule.SendThreshold)
            {
                foreach (var target in _targets)
                    target.Tell(new ActivityUnchanged(Spec.Id, _minibatch, _phaseIndex, _step));
                _messagesSuppressed += _targets.Length;
                return;
            }
        }
        rates.CopyTo(_lastSent);
        SendRates(_step);
    }

    private bool LocallyConverged()
    {
        float limit = _tolerance * _dt;
        foreach (float squared in _group.StepSquaredNorms)
            if (!(squared <= limit * limit))
                return false;
        return true;
    }

    private void ReportStatus()
    {
        var seen = new Dictionary<int, int>(_sources.Length);
        for (int i = 0; i < _sources.Length; i++)
            seen[_sources[i].Source.Id] = _seenRestCount[i];
        _coordinator.Tell(new GroupStatus(Spec.Id, _minibatch, _phaseIndex, _resting, _restCount, seen));
    }

    private void OnEndPhase(EndPhase end)
    {
        if (end.Minibatch != _minibatch || end.PhaseIndex != _phaseIndex || _phaseStepsDone)
            return;
        FinishSteps();
    }
}

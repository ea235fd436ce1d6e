using System.Buffers;
using Akka.Actor;
using EqPropActors.Actors.Messages;
using EqPropActors.Actors.Schedules;
using EqPropActors.Core.Randomness;

namespace EqPropActors.Actors.Groups;

/// <summary>
/// The asynchronous schedule: no barrier. The group steps whenever its own tick comes round, with the newest
/// activity of each neighbour that has "arrived" under the configured delay and jitter; it reports to the
/// coordinator when it has settled (step residual below the tolerance, or its step budget spent) and stops when
/// the coordinator ends the phase. Not deterministic: the interleaving of ticks and messages depends on threads.
/// </summary>
public sealed partial class NeuronGroupActor
{
    private Random _random = null!;
    private double _speed, _progress;
    private (float[] Rates, int Step, int Delay)[][] _history = [];  // per source: recent activities, newest last
    private int[] _latestStep = [];
    private float[] _lastSent = [];
    private float[] _change = [];
    private (bool Settled, long Sent, long Received) _reported;
    private long _activitiesReceived;
    private Tick? _waitingTick;   // set while the group waits for a neighbour to catch up

    private void InitializeAsync()
    {
        _random = SeedDerivation.Generator(_schedule.Seed, "async-group", Spec.Id);
        _speed = 1 - _schedule.RateSpread * _random.NextDouble();
        _history = _sources.Select(_ => Array.Empty<(float[], int, int)>()).ToArray();
        _latestStep = new int[_sources.Length];
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
        }
        _progress = 0;
        _reported = (false, -1, -1);
        _waitingTick = null;
        _activitiesReceived = 0;
        _group.Rates.AsSpan(0, _group.Rows * _group.Stride).CopyTo(_lastSent);
    }

    private void ReceiveAsync(ActivityUnchanged unchanged)
    {
        if (!IsCurrent(unchanged.Minibatch, unchanged.PhaseIndex, unchanged))
            return;
        AdvanceSourceStep(SourceIndex(unchanged.Source), unchanged.Step);
        AfterReceipt();
    }

    private void AdvanceSourceStep(int source, int step)
    {
        if (step <= _latestStep[source])
            throw new InvalidOperationException(
                $"activity of step {step} from {_sources[source].Source.Name} after its step {_latestStep[source]}: a step message was duplicated or reordered");
        _latestStep[source] = step;
    }

    private void ReceiveAsync(Activity activity)
    {
        if (!IsCurrent(activity.Minibatch, activity.PhaseIndex, activity))
            return;
        int source = SourceIndex(activity.Source);
        AdvanceSourceStep(source, activity.Step);
        int delay = _schedule.DelaySteps + (_schedule.Jitter > 0 ? _random.Next(_schedule.Jitter + 1) : 0);
        var history = _history[source];
        int keep = _schedule.DelaySteps + _schedule.Jitter + 1;
        if (history.Length >= keep)
        {
            // Oldest entries beyond the longest possible delay can never be chosen again.
            foreach (var old in history[..^(keep - 1)])
                ArrayPool<float>.Shared.Return(old.Rates);
            history = history[^(keep - 1)..];
        }
        _history[source] = [.. history, (activity.Rates, activity.Step, delay)];
        AfterReceipt();
    }

    private void AfterReceipt()
    {
        _activitiesReceived++;
        if (_step >= _phase!.Steps)
            ReportStatus(settled: true); // out of budget: no tick will report the new count
        if (_waitingTick is { } tick)
        {
            _waitingTick = null;
            Self.Tell(tick);
        }
    }

    private void OnTick(Tick tick)
    {
        if (tick.Minibatch != _minibatch || tick.PhaseIndex != _phaseIndex || _phaseStepsDone)
            return;
        var phase = _phase!;
        if (_step >= phase.Steps)
            return; // budget spent: hold the state until the coordinator ends the phase
        if (AheadOfNeighbours())
        {
            _waitingTick = tick; // resumed by the next activity that arrives
            return;
        }
        _progress += _speed;
        if (_progress < 1)
        {
            Self.Tell(tick); // idle tick: this group is slower than its neighbours
            return;
        }
        ChooseInputs();
        _progress -= 1;
        _group.Step(_dt, phase.Beta, measureStep: true);
        _step++;
        SendIfChanged();
        ReportStatus(LocallyConverged() || _step >= phase.Steps);
        if (_step < phase.Steps)
            Self.Tell(tick);
    }

    /// <summary>True while some neighbour has sent nothing yet, or lags more than the lead bound behind this group.</summary>
    private bool AheadOfNeighbours()
    {
        int lead = _schedule.MaxLead + _schedule.DelaySteps + _schedule.Jitter;
        for (int i = 0; i < _sources.Length; i++)
            if (_history[i].Length == 0 || _latestStep[i] < _step - lead)
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

    /// <summary>Event-driven sending: only when some rate moved by more than the threshold since the last send.</summary>
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

    /// <summary>Reports a change of status, and while settled every change of the message counts.</summary>
    private void ReportStatus(bool settled)
    {
        var status = (settled, (long)_messagesSent + _messagesSuppressed, _activitiesReceived);
        if (status == _reported || (!settled && !_reported.Settled))
            return;
        _reported = status;
        _coordinator.Tell(new GroupStatus(Spec.Id, _minibatch, _phaseIndex, settled, status.Item2, status.Item3));
    }

    private void OnEndPhase(EndPhase end)
    {
        if (end.Minibatch != _minibatch || end.PhaseIndex != _phaseIndex || _phaseStepsDone)
            return;
        FinishSteps();
    }
}

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
    private bool _settledReported;

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
        _settledReported = false;
        _group.Rates.AsSpan(0, _group.Rows * _group.Stride).CopyTo(_lastSent);
    }

    private void ReceiveAsync(Activity activity)
    {
        if (!IsCurrent(activity.Minibatch, activity.PhaseIndex, activity))
            return;
        int source = SourceIndex(activity.Source);
        if (activity.Step <= _latestStep[source])
            throw new InvalidOperationException(
                $"activity of step {activity.Step} from {_sources[source].Source.Name} after its step {_latestStep[source]}: a step message was duplicated or reordered");
        _latestStep[source] = activity.Step;
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
    }

    private void OnTick(Tick tick)
    {
        if (tick.Minibatch != _minibatch || tick.PhaseIndex != _phaseIndex || _phaseStepsDone)
            return;
        var phase = _phase!;
        if (_step >= phase.Steps)
            return; // budget spent: hold the state until the coordinator ends the phase
        _progress += _speed;
        if (_progress < 1 || !ChooseInputs())
        {
            Self.Tell(tick); // idle tick: slower than its neighbours, or waiting for their first activity
            return;
        }
        _progress -= 1;
        _group.Step(_dt, phase.Beta, measureStep: true);
        _step++;
        SendIfChanged();
        ReportSettled(LocallyConverged() || _step >= phase.Steps);
        if (_step < phase.Steps)
            Self.Tell(tick);
    }

    /// <summary>Wires each source's newest activity that has arrived under its delay; false if one has none yet.</summary>
    private bool ChooseInputs()
    {
        for (int i = 0; i < _sources.Length; i++)
        {
            var history = _history[i];
            if (history.Length == 0)
                return false;
            var chosen = history[0];
            foreach (var entry in history)
                if (entry.Step + entry.Delay <= _latestStep[i])
                    chosen = entry;
            _sources[i].SourceRates = chosen.Rates;
            _stalenessSum += _step - chosen.Step;
            _stalenessCount++;
        }
        return true;
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

    private void ReportSettled(bool settled)
    {
        if (settled == _settledReported)
            return;
        _settledReported = settled;
        _coordinator.Tell(new GroupStatus(Spec.Id, _minibatch, _phaseIndex, settled));
    }

    private void OnEndPhase(EndPhase end)
    {
        if (end.Minibatch != _minibatch || end.PhaseIndex != _phaseIndex || _phaseStepsDone)
            return;
        FinishSteps();
    }
}

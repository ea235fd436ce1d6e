using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Tracing;

/// <summary>
/// One group's recorded relaxation: after every step, each sample's states and rates (unpadded) and its residual
/// ‖s_t − s_{t−1}‖/dt over the group's units. Stored step-major, so the arrays read as [steps, samples, units].
/// </summary>
public sealed class GroupTrace
{
    private readonly List<float> _states = [];
    private readonly List<float> _rates = [];
    private readonly List<float> _residuals = [];
    private readonly List<int> _stepsPerPhase = [];
    private readonly List<int> _phaseOfStep = [];
    private readonly List<int> _clockOfStep = [];

    internal GroupTrace(GroupSpec spec)
    {
        if (spec.Layer == 0)
            throw new ArgumentException($"group {spec.Name} is the clamped input: it never steps, so it has nothing to trace", nameof(spec));
        Spec = spec;
    }

    public GroupSpec Spec { get; }
    public int Units => Spec.Size;

    /// <summary>Samples per step: the rows of the minibatch recorded (0 before the first step).</summary>
    public int Samples { get; private set; }

    public int Steps => Samples == 0 ? 0 : _residuals.Count / Samples;

    /// <summary>[steps, samples, units], row-major.</summary>
    public float[] States() => [.. _states];

    /// <summary>[steps, samples, units], row-major: ρ(s), the rates the group's neighbours read.</summary>
    public float[] Rates() => [.. _rates];

    /// <summary>[steps, samples], row-major.</summary>
    public float[] Residuals() => [.. _residuals];

    /// <summary>The steps this group took in each phase, in phase order.</summary>
    public IReadOnlyList<int> StepsPerPhase => _stepsPerPhase;

    /// <summary>The phase each recorded step belongs to.</summary>
    public int PhaseOf(int step) => _phaseOfStep[step];

    /// <summary>The step's place in its phase on the group's clock: its index in the phase where every group takes
    /// every step (batch and sync), the group's own clock under the async schedule (which skips while it rests).</summary>
    public int ClockOf(int step) => _clockOfStep[step];

    /// <summary>The async schedule's record of the group's clock, views and messages; null for the batch engine and the sync schedule.</summary>
    public GroupClockTrace? Clock { get; internal set; }

    /// <summary>Replaces everything recorded by what another process recorded for this group (<see cref="GroupTraceTransfer"/>).</summary>
    internal void Restore(int samples, int[] stepsPerPhase, int[] phaseOfStep, int[] clockOfStep, float[] states, float[] rates, float[] residuals,
        GroupClockTrace? clock)
    {
        (Samples, Clock) = (samples, clock);
        Replace(_stepsPerPhase, stepsPerPhase);
        Replace(_phaseOfStep, phaseOfStep);
        Replace(_clockOfStep, clockOfStep);
        Replace(_states, states);
        Replace(_rates, rates);
        Replace(_residuals, residuals);
    }

    private static void Replace<T>(List<T> list, T[] values)
    {
        list.Clear();
        list.AddRange(values);
    }

    public float StateAt(int step, int sample, int unit) => _states[(step * Samples + sample) * Units + unit];

    public float ResidualAt(int step, int sample) => _residuals[step * Samples + sample];

    /// <param name="stepLength">The Euler step the residual is judged per (dt; dt/τ_g under the async schedule).</param>
    /// <param name="clock">The step's place in its phase (async: the group's clock); null: the count of its steps in the phase.</param>
    internal void Append(NeuronGroup group, int phaseIndex, float stepLength, int? clock = null)
    {
        if (phaseIndex < _stepsPerPhase.Count - 1)
            throw new InvalidOperationException($"group {Spec.Name}: a step of phase {phaseIndex} after phase {_stepsPerPhase.Count - 1} had begun");
        while (_stepsPerPhase.Count <= phaseIndex)
            _stepsPerPhase.Add(0);
        _stepsPerPhase[phaseIndex]++;
        _phaseOfStep.Add(phaseIndex);
        _clockOfStep.Add(clock ?? _stepsPerPhase[phaseIndex] - 1);
        if (Samples == 0)
            Samples = group.Rows;
        else if (group.Rows != Samples)
            throw new InvalidOperationException(
                $"group {Spec.Name}: a trace records one minibatch of {Samples} samples, but a step of {group.Rows} samples followed");
        var states = group.States;
        var rates = group.Rates;
        var squaredSteps = group.StepSquaredNorms;
        for (int r = 0; r < Samples; r++)
        {
            _states.AddRange(states.AsSpan(r * group.Stride, Units));
            _rates.AddRange(rates.AsSpan(r * group.Stride, Units));
            // As PhaseConvergence computes the residual that --tolerance is judged against (the async schedule: per dt/τ_g).
            _residuals.Add((float)(Math.Sqrt(squaredSteps[r]) / stepLength));
        }
    }
}

using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Tracing;

/// <summary>
/// Records one minibatch's relaxation through all its phases, step by step, for the chosen groups: attach it to
/// <see cref="BatchEngine.Recorder"/>, run the minibatch, read <see cref="Groups"/> and <see cref="Phases"/>.
/// Steps are numbered across the phases; each phase's first step is in <see cref="TracedPhase.FirstStep"/>.
/// </summary>
public sealed class RelaxationTrace : IRelaxationRecorder
{
    private readonly GroupTrace[] _groups;
    private readonly List<TracedPhase> _phases = [];

    public RelaxationTrace(IEnumerable<GroupSpec> groups)
    {
        _groups = groups.Select(spec => new GroupTrace(spec)).ToArray();
        if (_groups.Length == 0)
            throw new ArgumentException("a trace needs at least one group to record", nameof(groups));
    }

    /// <summary>
    /// The traces the actor engine's groups recorded each on its own, over the phases of <paramref name="plan"/>. A
    /// phase spans as many steps as the furthest clock of any group reached in it: under the sync schedule every
    /// group's steps, so the trace reads exactly as the batch engine's; under the async schedule the common axis is
    /// simulated time (every step is dt in every group), on which a group that rested has gaps.
    /// </summary>
    public static RelaxationTrace FromGroups(GroupwiseTrace groups, MinibatchPlan plan)
    {
        var trace = new RelaxationTrace(groups.Groups);
        for (int p = 0; p < plan.Phases.Count; p++)
        {
            int span = 0;
            foreach (var group in groups.Groups)
                for (int s = 0; s < group.Steps; s++)
                    if (group.PhaseOf(s) == p)
                        span = Math.Max(span, group.ClockOf(s) + 1);
            trace._phases.Add(new TracedPhase(plan.Phases[p].Name, plan.Phases[p].Beta, trace.Steps, span));
            trace.Steps += span;
        }
        return trace;
    }

    private RelaxationTrace(IReadOnlyList<GroupTrace> recorded) => _groups = [.. recorded];

    /// <summary>Where a group's recorded step lies on the trace's common step axis (0-based): its phase's first step
    /// plus its clock in the phase. The step index itself for the batch engine and the sync schedule.</summary>
    public int PositionOf(GroupTrace group, int step) => _phases[group.PhaseOf(step)].FirstStep + group.ClockOf(step);

    /// <summary>True when the groups ran on clocks of their own (the async schedule): they carry <see cref="GroupTrace.Clock"/>.</summary>
    public bool HasGroupClocks => _groups.Any(g => g.Clock is not null);

    /// <summary>The earliest wall-clock tick any group recorded (async), from which every group's times count, so that
    /// their timelines line up; long.MaxValue when none was recorded.</summary>
    public long ClockOrigin => _groups.Select(g => g.Clock?.FirstTick ?? long.MaxValue).DefaultIfEmpty(long.MaxValue).Min();

    public IReadOnlyList<GroupTrace> Groups => _groups;
    public IReadOnlyList<TracedPhase> Phases => _phases;
    public int Steps { get; private set; }
    public int Samples => _groups[0].Samples;

    public void PhaseStarted(Phase phase) => _phases.Add(new TracedPhase(phase.Name, phase.Beta, Steps, 0));

    public void StepTaken(IReadOnlyList<NeuronGroup> groups, float dt)
    {
        if (_phases.Count == 0)
            throw new InvalidOperationException("a step was taken before any phase started");
        foreach (var trace in _groups)
            trace.Append(groups[trace.Spec.Id], _phases.Count - 1, dt);
        Steps++;
        _phases[^1] = _phases[^1] with { Steps = _phases[^1].Steps + 1 };
    }
}

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

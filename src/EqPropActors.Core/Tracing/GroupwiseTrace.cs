using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Tracing;

/// <summary>
/// Records a relaxation where each group steps on its own (the actor engine): every group appends to its own
/// <see cref="GroupTrace"/>, which only that group's thread touches, so the groups need no lock between them. Read the
/// traces after the minibatch has run (the engine's reply orders the groups' writes before the read).
/// </summary>
public sealed class GroupwiseTrace : IGroupStepRecorder
{
    private readonly Dictionary<int, GroupTrace> _byGroup;

    public GroupwiseTrace(IEnumerable<GroupSpec> groups)
    {
        Groups = groups.Select(spec => new GroupTrace(spec)).ToArray();
        if (Groups.Count == 0)
            throw new ArgumentException("a trace needs at least one group to record", nameof(groups));
        _byGroup = Groups.ToDictionary(g => g.Spec.Id);
    }

    public IReadOnlyList<GroupTrace> Groups { get; }

    public void StepTaken(NeuronGroup group, int phaseIndex, float dt)
    {
        if (_byGroup.TryGetValue(group.Spec.Id, out var trace))
            trace.Append(group, phaseIndex, dt);
    }
}

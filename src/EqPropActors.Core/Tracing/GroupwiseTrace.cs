using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Tracing;

/// <summary>
/// Records a relaxation where each group steps on its own (the actor engine): every group appends to its own
/// <see cref="GroupTrace"/>, which only that group's thread touches, so the groups need no lock between them. Read the
/// traces after the minibatch has run (the engine's reply orders the groups' writes before the read).
/// </summary>
/// <para>Under the async schedule each group also records its clock, the steps of the views it integrated and the
/// activity it sent and received (<see cref="GroupTrace.Clock"/>).</para>
public sealed class GroupwiseTrace : IAsyncStepRecorder
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

    public void AsyncStepTaken(NeuronGroup group, int phaseIndex, float stepLength, int clock, ReadOnlySpan<int> viewSteps, ReadOnlySpan<int> sourceIds)
    {
        if (!_byGroup.TryGetValue(group.Spec.Id, out var trace))
            return;
        trace.Append(group, phaseIndex, stepLength, clock);
        ClockOf(trace).StepTaken(clock, viewSteps, sourceIds);
    }

    public void ActivitySent(int groupId, int phaseIndex, int step)
    {
        if (_byGroup.TryGetValue(groupId, out var trace))
            ClockOf(trace).Sent(phaseIndex, step);
    }

    public void ActivityReceived(int groupId, int phaseIndex, int sourceId, int step)
    {
        if (_byGroup.TryGetValue(groupId, out var trace))
            ClockOf(trace).ReceivedFrom(phaseIndex, sourceId, step);
    }

    // Created by the group's own thread at its first async event, so no two threads ever create one.
    private static GroupClockTrace ClockOf(GroupTrace trace) => trace.Clock ??= new GroupClockTrace();
}

using EqPropActors.Core.Dynamics;

namespace EqPropActors.Core.Engines;

/// <summary>
/// Watches a group of the actor engine's async schedule, where every group runs on its own clock: besides each step
/// (state, rates and step lengths as <see cref="IGroupStepRecorder"/> sees them), the clock reading of that step and
/// the step of each source's view it integrated, and every activity the group sent and received. Called by the group's
/// own thread, so calls for one group come in order and never overlap; the recorder takes the wall time itself.
/// </summary>
public interface IAsyncStepRecorder : IGroupStepRecorder
{
    /// <param name="stepLength">The Euler step the group took, dt/τ_g: the residual is judged per step length.</param>
    /// <param name="clock">The group's clock when it took the step (its step count in the phase; it jumps when the
    /// group wakes from rest), the time its views were chosen for.</param>
    /// <param name="viewSteps">Per source, in the order of <paramref name="sourceIds"/>: the sender's step of the view
    /// this step integrated (staleness = <paramref name="clock"/> − view step).</param>
    void AsyncStepTaken(NeuronGroup group, int phaseIndex, float stepLength, int clock, ReadOnlySpan<int> viewSteps, ReadOnlySpan<int> sourceIds);

    /// <summary>The group sent the activity of its step <paramref name="step"/> to all its targets.</summary>
    void ActivitySent(int groupId, int phaseIndex, int step);

    /// <summary>The group received activity with a payload of the source's step <paramref name="step"/>.</summary>
    void ActivityReceived(int groupId, int phaseIndex, int sourceId, int step);
}

using EqPropActors.Core.Dynamics;

namespace EqPropActors.Core.Engines;

/// <summary>
/// Watches each group's steps where every group steps on its own (the actor engine's sync schedule): called by the
/// group's own thread after each of its steps, so calls for different groups may run at the same time, and a group's
/// calls come in its step order. <see cref="NeuronGroup.States"/>, <see cref="NeuronGroup.Rates"/> and
/// <see cref="NeuronGroup.StepSquaredNorms"/> are those of the step just taken.
/// </summary>
public interface IGroupStepRecorder
{
    void StepTaken(NeuronGroup group, int phaseIndex, float dt);
}

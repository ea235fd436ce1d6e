using EqPropActors.Core.Dynamics;

namespace EqPropActors.Core.Engines;

/// <summary>
/// Watches a relaxation step by step (<c>eqprop trace</c>). The batch engine calls it from its phase loop only when
/// one is attached (<see cref="BatchEngine.Recorder"/>); with none attached the loop does no extra work. While one is
/// attached every step measures its length, which changes no state (the kernel writes the norms aside).
/// </summary>
public interface IRelaxationRecorder
{
    /// <summary>A phase of the minibatch's plan begins (after the nudged phase's restart from the free fixed point).</summary>
    void PhaseStarted(Phase phase);

    /// <summary>
    /// Every group has taken one step: <see cref="NeuronGroup.States"/>, <see cref="NeuronGroup.Rates"/> and
    /// <see cref="NeuronGroup.StepSquaredNorms"/> are those of the step just taken.
    /// </summary>
    void StepTaken(IReadOnlyList<NeuronGroup> groups, float dt);
}

namespace EqPropActors.Core.Dynamics;

/// <summary>
/// When a synapse learns from the nudged phase (docs/algorithm.md, "Plasticity in time").
/// </summary>
public enum UpdateForm
{
    /// <summary>From two snapshots: the presynaptic rate at the free fixed point times the postsynaptic displacement
    /// between the phases' end states, applied after the phases.</summary>
    TwoPhase,

    /// <summary>The paper's Eq. 2, local in time: each synapse sums ρ(s_pre^t)·(s_post^{t+1} − s_post^t)/β over the
    /// nudged steps and applies the sum at the end of the phase; no postsynaptic snapshot is kept.</summary>
    Stdp,

    /// <summary>Continual VF (Ernoult et al. 2020): the same increment is applied to the weights at every nudged step, so
    /// the weights move while the network relaxes.</summary>
    Continual,
}

/// <summary>
/// What a nudged phase's steps do to the synapses under <see cref="UpdateForm.Stdp"/> and <see cref="UpdateForm.Continual"/>:
/// each step's increment ρ(s_pre^t)·Δs_post/β is divided by <paramref name="NudgedPhases"/> (2 for the centered estimate,
/// whose −β phase has a negative β) and averaged over the minibatch. Continual steps change the weights at the learning
/// rate times <paramref name="LearningRateScale"/>; <paramref name="IntoEstimate"/>: the weights are put back after the
/// phases and the summed increment becomes the estimate (the gradient check).
/// </summary>
public sealed record StepPlasticity(UpdateForm Form, int NudgedPhases, float LearningRateScale, bool IntoEstimate);

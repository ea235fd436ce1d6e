namespace EqPropActors.Core.Network;

/// <summary>The rate function ρ applied to a unit's state before it is sent to its neighbours.</summary>
public enum Activation
{
    /// <summary>ρ(s) = clip(s, 0, 1): the default of EP 2017 and the VF paper. ρ'(s) = 1 on [0, 1].</summary>
    HardSigmoid,

    /// <summary>ρ(s) = 1 / (1 + exp(−4(s − 0.5))), used by later EP work; smooth, never saturates exactly.</summary>
    Logistic,
}

/// <summary>Which leaky-integrator vector field the units follow (docs/algorithm.md, "The vector field").</summary>
public enum DynamicsForm
{
    /// <summary>μ = Σ W ρ(s) + b − s: the VF paper's dynamics, the default.</summary>
    Vf,

    /// <summary>μ = ρ'(s)(Σ W ρ(s) + b) − s: the EP-2017 gradient of the Hopfield energy (needs tied weights to be one).</summary>
    RhoPrime,
}

/// <summary>The local learning rule every synapse applies after the nudged phase.</summary>
public enum LearningRule
{
    /// <summary>ΔW_ij ∝ ρ(s_j⁰)(s_i^β − s_i⁰)/β with independent forward and feedback weights (Scellier et al. 2018).</summary>
    Vf,

    /// <summary>Symmetric EP: tied weights, ΔW_ij ∝ (ρ_i^β ρ_j^β − ρ_i⁰ ρ_j⁰)/β (Scellier &amp; Bengio 2017).</summary>
    Ep,
}

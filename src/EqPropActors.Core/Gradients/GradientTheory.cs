using EqPropActors.Core.Network;

namespace EqPropActors.Core.Gradients;

/// <summary>
/// What theory says about a rule's β → 0 limit on given dynamics (docs/theorem.md, "Which combinations are exact").
/// The dynamics are the gradient of EP's energy E = ½Σs² − ½Σ W ρρ − Σ bρ exactly when the weights are tied and
/// μ = ρ'(s)(Wρ + b) − s: the rho-prime form, or the hard sigmoid in either form (its ρ' is 1 on [0, 1], where the
/// projection keeps every state, so both forms coincide). Then J is symmetric and both rules' limits are the gradient.
/// With the logistic in the VF form, J = Wρ'(s) − I is not symmetric even with tied weights, and neither limit is.
/// </summary>
public static class GradientTheory
{
    /// <summary>Whether tied weights make the dynamics the gradient of EP's energy (symmetric Jacobian).</summary>
    public static bool IsEnergyGradientWhenTied(Activation activation, DynamicsForm form) =>
        activation == Activation.HardSigmoid || form == DynamicsForm.RhoPrime;

    /// <summary>
    /// A short statement of where the theory column's number comes from, for a rule measured at tied or untied weights.
    /// The number itself is always the rule's β → 0 limit computed from the linearisation at the free fixed point.
    /// </summary>
    public static string Basis(LearningRule rule, Activation activation, DynamicsForm form, bool tied)
    {
        bool gradientSystem = tied && IsEnergyGradientWhenTied(activation, form);
        if (gradientSystem)
            return "exact: gradient system (tied weights), 0";
        if (rule == LearningRule.Vf)
            return tied ? "Theorem 1, c J⁻ᵀ M: J = Wρ'−I not symmetric (logistic, VF form)" : "Theorem 1, c J⁻ᵀ M: J asymmetric (untied weights)";
        return "EP limit off a gradient system: the gradient of the ρ'-weighted cost";
    }
}

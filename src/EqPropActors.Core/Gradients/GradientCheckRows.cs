namespace EqPropActors.Core.Gradients;

/// <summary>What the check measured on one minibatch, for a rule, a starting point and a layer pair.</summary>
/// <param name="InitAngleDeg">Initial angle of the seeded weights; null when measured at given weights.</param>
/// <param name="Repeat">Which minibatch: training samples [Repeat·B, (Repeat+1)·B).</param>
/// <param name="CenteredAngleDeg">Angle between the engine's centered estimate (s^{+β} − s^{−β})/(2β) (the update it
/// would apply, ΔW/α) and the true gradient −∂J/∂θ computed by the adjoint method.</param>
/// <param name="OneSidedAngleDeg">The same for the one-sided estimate (s^β − s⁰)/β.</param>
/// <param name="TheoryAngleDeg">Theorem 1's prediction: angle between the β → 0 limit of the VF rule,
/// ν = c J⁻ᵀ M, and the true gradient; for the symmetric rule, between its β → 0 limit (κᵀ M' with the rows of the
/// rho-prime form, tied) and the tied gradient. 0 exactly when the dynamics are the gradient of EP's energy.</param>
/// <param name="FiniteDifferenceAngleDeg">Angle between the adjoint gradient and central finite differences of
/// the loss on a random subset of entries (a check of the reference itself), when requested.</param>
/// <param name="FreeResidual">Largest per-sample residual ‖s_T − s_{T−1}‖/dt at the end of the engine's free phase:
/// the one-sided estimate is only meaningful when it is far below β.</param>
/// <param name="TheoryBasis">Where the theory angle comes from and whether theory says it is exactly 0
/// (<see cref="GradientTheory.Basis"/>).</param>
public sealed record GradientCheckMeasurement(string Rule, double? InitAngleDeg, int Layer, int Repeat, double CenteredAngleDeg,
    double OneSidedAngleDeg, double TheoryAngleDeg, double? FiniteDifferenceAngleDeg, double FreeResidual, string TheoryBasis)
{
    /// <summary>‖J − Jᵀ‖_F / ‖J‖_F of J_AA at each sample's free fixed point, mean over the minibatch's samples (those
    /// with an active unit): 0 where the rule's limit can be the gradient, the size of Theorem 1's gap otherwise.
    /// The same for every layer pair of a minibatch; NaN when every sample is saturated.</summary>
    public double JacobianAsymmetry { get; init; } = double.NaN;

    /// <summary>The angle of the estimator a run trains with: centered with --third-phase, else one-sided.</summary>
    public double TrainedAngleDeg(bool thirdPhase) => thirdPhase ? CenteredAngleDeg : OneSidedAngleDeg;
}

/// <summary>
/// One row of the check: for a rule, a starting point and a layer pair, the angles to the true gradient as mean and
/// sample standard deviation (n − 1; null for one repeat) over the minibatches, and which of them the run trains with.
/// </summary>
/// <param name="InitAngleDeg">Initial angle of the seeded weights; null when measured at given weights.</param>
/// <param name="TheoryAngleDeg">Theorem 1's β → 0 prediction, mean over the repeats.</param>
/// <param name="TrainedEstimator">"one-sided" or "centered": the estimator the run's rule applies (centered with --third-phase).</param>
/// <param name="TrainedAngleDeg">The mean angle of that estimator: the one to report as "the angle to the gradient".</param>
/// <param name="FiniteDifferenceAngleDeg">The largest adjoint-vs-finite-differences angle over the repeats, when requested.</param>
/// <param name="FreeResidual">The largest free-phase residual over the repeats.</param>
/// <param name="TheoryBasis">Where the theory angle comes from, and whether theory says it is exactly 0.</param>
public sealed record GradientCheckRow(string Rule, double? InitAngleDeg, int Layer, int Repeats,
    double OneSidedAngleDeg, double? OneSidedAngleStdDeg, double CenteredAngleDeg, double? CenteredAngleStdDeg, double TheoryAngleDeg,
    string TrainedEstimator, double TrainedAngleDeg, double? TrainedAngleStdDeg, double? FiniteDifferenceAngleDeg, double FreeResidual,
    string TheoryBasis);

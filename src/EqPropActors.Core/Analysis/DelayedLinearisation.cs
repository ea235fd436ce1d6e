using EqPropActors.Core.Gradients;
using MathNet.Numerics.LinearAlgebra;

namespace EqPropActors.Core.Analysis;

/// <summary>
/// The free dynamics linearised at a fixed point s*, split into the part a unit computes from its own state and the
/// part it receives from its neighbours, because the async schedule delays only the latter:
/// <code>e_{t+1} = diag(1 + dt·LocalSlope) e_t + dt · Coupling · e_{t−d}</code>
/// with e = s − s* over the active units (see <see cref="ActiveSet"/>; a unit held on a bound by the clip does not move
/// under a small perturbation, so it has neither row nor column).
/// </summary>
/// <remarks>
/// Coupling_jk = g(s_j) W(k→j) ρ'(s_k) for k in the layer below or above j (g = 1 in the VF form, ρ' in the
/// rho-prime form); LocalSlope_j = ∂μ_j/∂s_j = −1 (the leak) plus ρ''(s_j) u_j in the rho-prime form, whose gain
/// ρ'(s_j) is read from the unit's own, undelayed state. Both are read off <see cref="JacobianAtFixedPoint"/>: a
/// layered network has no synapse within a layer, so the Jacobian's diagonal is exactly the local part and its
/// off-diagonal entries exactly the neighbour part. In the VF form LocalSlope = −1 and Coupling = W·diag(ρ'(s*)), so
/// the map is e_{t+1} = (1 − dt) e_t + dt·J e_{t−d} with J = W·diag(ρ'(s*)).
/// </remarks>
public sealed class DelayedLinearisation
{
    private DelayedLinearisation(double dt, double[] localSlope, Matrix<double> coupling, int saturatedCount)
    {
        Dt = dt;
        LocalSlope = localSlope;
        Coupling = coupling;
        SaturatedCount = saturatedCount;
    }

    /// <summary>Euler step ε of the schedule under study (every group steps with the same one).</summary>
    public double Dt { get; }

    /// <summary>∂μ_j/∂s_j per active unit: the undelayed, own-state part of the Jacobian.</summary>
    public double[] LocalSlope { get; }

    /// <summary>The neighbour-layer part of ∂μ/∂s over the active units (zero diagonal): the delayed part.</summary>
    public Matrix<double> Coupling { get; }

    /// <summary>Active units: the size n of the undelayed map.</summary>
    public int Count => LocalSlope.Length;

    /// <summary>Units held on a bound by the clip (left out of the map).</summary>
    public int SaturatedCount { get; }

    /// <summary>Linearises at a free (β = 0) fixed point; states per layer 0..L, layer 0 the clamped input.</summary>
    public static DelayedLinearisation AtFreeFixedPoint(ReferenceNetwork network, double[][] freeStates, double dt)
    {
        var activeSet = ActiveSet.AtFreeFixedPoint(network, freeStates);
        var jacobian = JacobianAtFixedPoint.Compute(network, freeStates, activeSet);
        return FromJacobian(jacobian, dt, activeSet.SaturatedCount);
    }

    /// <summary>Splits a Jacobian ∂μ/∂s of a network without within-layer synapses into its local and delayed parts.</summary>
    public static DelayedLinearisation FromJacobian(Matrix<double> jacobian, double dt, int saturatedCount = 0)
    {
        if (jacobian.RowCount != jacobian.ColumnCount)
            throw new ArgumentException($"the Jacobian must be square, got {jacobian.RowCount} × {jacobian.ColumnCount}", nameof(jacobian));
        if (!(dt > 0) || !double.IsFinite(dt))
            throw new ArgumentOutOfRangeException(nameof(dt), dt, "the Euler step must be positive and finite");
        var localSlope = jacobian.Diagonal().ToArray();
        var coupling = jacobian.Clone();
        coupling.SetDiagonal(new double[localSlope.Length]);
        return new DelayedLinearisation(dt, localSlope, coupling, saturatedCount);
    }

    /// <summary>The common ∂μ_j/∂s_j when every unit has the same one (always in the VF form), else null.</summary>
    public double? UniformLocalSlope()
    {
        if (Count == 0)
            return null;
        double first = LocalSlope[0];
        foreach (double slope in LocalSlope)
            if (slope != first)
                return null;
        return first;
    }

    /// <summary>
    /// max Re eig(∂μ/∂s) over the active units: the undelayed continuous-time flow ds/dt = μ(s) is locally stable
    /// when it is negative. In the VF form this is max Re eig(J) − 1. Null when no unit is active.
    /// </summary>
    public double? ContinuousMargin() => Count == 0 ? null : JacobianEigenvalues().Max(eigenvalue => eigenvalue.Real);

    /// <summary>
    /// Eigenvalues of ∂μ/∂s = diag(LocalSlope) + Coupling. With a uniform local slope σ they are σ + λ for the eigenvalues
    /// λ of the coupling, which is how <see cref="DelayedSpectrum"/> obtains those: the coupling of a layered network is
    /// bipartite (odd layers couple only to even ones), so its eigenvalues come in ± pairs of equal modulus, on which
    /// MathNet's real QR iteration can fail to converge; the leak's shift (σ = −1 in the VF form) breaks the tie.
    /// </summary>
    public System.Numerics.Complex[] JacobianEigenvalues()
    {
        if (_jacobianEigenvalues is null)
        {
            var jacobian = Coupling.Clone();
            jacobian.SetDiagonal(LocalSlope);
            _jacobianEigenvalues = Count == 0 ? [] : jacobian.Evd(Symmetricity.Asymmetric).EigenValues.ToArray();
        }
        return _jacobianEigenvalues;
    }

    private System.Numerics.Complex[]? _jacobianEigenvalues;
}

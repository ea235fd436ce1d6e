using System.Numerics;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace EqPropActors.Core.Analysis;

/// <summary>
/// Spectral radius of the delayed linear map e_{t+1} = A e_t + dt·K e_{t−d} (A = diag(1 + dt·LocalSlope), K the
/// coupling; <see cref="DelayedLinearisation"/>) for each delay d. Perturbations of the fixed point die out when the
/// radius is below 1 and grow when it is above.
/// </summary>
/// <remarks>
/// The map is linear in the stacked state X_t = [e_t; e_{t−1}; …; e_{t−d}] of size (d+1)n, with the block companion
/// matrix C whose first block row is [A, 0, …, 0, dt·K] and whose blocks below the diagonal are identities
/// (<see cref="CompanionSpectralRadius"/>). Its characteristic polynomial is det(z^{d+1} I − z^d A − dt K).
/// When A = a·I (every unit has the same local slope: always in the VF form), triangularising K = Q T Q* (Schur)
/// makes that determinant ∏_λ (z^{d+1} − a z^d − dt λ) over the eigenvalues λ of K with their multiplicities, so the
/// spectrum is the union of the roots of n scalar polynomials, whether or not K is diagonalisable. That path costs
/// one n×n eigendecomposition (of the Jacobian K + a·I, see <see cref="DelayedLinearisation.JacobianEigenvalues"/>) plus n roots of a degree-(d+1) polynomial per delay, instead of an eigendecomposition
/// of size (d+1)n per delay (for 784-64-10 and d = 20: 74 units against 1554), so it is the default;
/// the companion matrix remains the general path (unequal local slopes: rho-prime form with the logistic) and the
/// tests' independent reference. The roots come from MathNet's FindRoots.Polynomial (eigenvalues of the
/// polynomial's companion matrix), which accepts only real coefficients, while λ is complex for the non-symmetric K of
/// the VF model; <see cref="RootRadius"/> says how complex λ is handled.
/// </remarks>
public static class DelayedSpectrum
{
    /// <summary>Spectral radius for each delay d = 0..<paramref name="maxDelaySteps"/> (index d).</summary>
    public static double[] SpectralRadii(DelayedLinearisation linearisation, int maxDelaySteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDelaySteps);
        var radii = new double[maxDelaySteps + 1];
        if (linearisation.Count == 0)
            return radii; // every unit is held by the clip: no perturbation survives a step
        Complex[]? jacobianEigenvalues = null;
        if (linearisation.UniformLocalSlope() is not null)
        {
            try
            {
                jacobianEigenvalues = linearisation.JacobianEigenvalues();
            }
            catch (NonConvergenceException)
            {
                // MathNet's QR iteration gave up on this Jacobian: the companion matrices below need no eigenvalues of J.
            }
        }
        if (jacobianEigenvalues is null)
        {
            for (int delay = 0; delay <= maxDelaySteps; delay++)
                radii[delay] = CompanionSpectralRadius(linearisation, delay);
            return radii;
        }
        double slope = linearisation.UniformLocalSlope()!.Value;
        double localGain = 1 + linearisation.Dt * slope;
        // K is real, so its eigenvalues come in conjugate pairs whose polynomials have conjugate roots of equal modulus.
        var couplingEigenvalues = jacobianEigenvalues
            .Where(eigenvalue => eigenvalue.Imaginary >= 0).Select(eigenvalue => eigenvalue - slope).ToArray();
        for (int delay = 0; delay <= maxDelaySteps; delay++)
            radii[delay] = couplingEigenvalues.Max(eigenvalue => RootRadius(localGain, linearisation.Dt * eigenvalue, delay));
        return radii;
    }

    /// <summary>
    /// Largest modulus of the roots of p(z) = z^{d+1} − a z^d − c: the spectral radius of the scalar delayed recurrence
    /// e_{t+1} = a e_t + c e_{t−d}.
    /// </summary>
    /// <remarks>
    /// For complex c the roots are taken from q = p·p̄ (p̄ with conjugated coefficients), whose coefficients are real:
    /// with u(z) = z^d (z − a), q = u² − 2 Re(c) u + |c|². The roots of p̄ are the conjugates of those of p, so q has
    /// the same largest modulus. This keeps to the real-valued eigenvalue solver behind FindRoots.Polynomial: MathNet's
    /// complex one can loop forever on companion matrices of exactly this shape, mostly zeros
    /// (mathnet/mathnet-numerics issues 595 and 1090), while the real one gives up with an exception after 30·n iterations.
    /// </remarks>
    public static double RootRadius(double localGain, Complex delayedGain, int delaySteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(delaySteps);
        if (delaySteps == 0)
            return Complex.Abs(localGain + delayedGain);
        double[] coefficients; // FindRoots.Polynomial takes them lowest power first
        if (delayedGain.Imaginary == 0)
        {
            coefficients = new double[delaySteps + 2];
            coefficients[0] = -delayedGain.Real;
            coefficients[delaySteps] = -localGain;
            coefficients[delaySteps + 1] = 1;
        }
        else
        {
            coefficients = new double[2 * delaySteps + 3];
            coefficients[2 * delaySteps + 2] += 1;                                   // u² = z^{2d+2} − 2a z^{2d+1} + a² z^{2d}
            coefficients[2 * delaySteps + 1] += -2 * localGain;
            coefficients[2 * delaySteps] += localGain * localGain;
            coefficients[delaySteps + 1] += -2 * delayedGain.Real;                   // −2 Re(c) u
            coefficients[delaySteps] += 2 * delayedGain.Real * localGain;
            coefficients[0] += delayedGain.Real * delayedGain.Real + delayedGain.Imaginary * delayedGain.Imaginary; // |c|²
        }
        return FindRoots.Polynomial(coefficients).Max(Complex.Abs);
    }

    /// <summary>Spectral radius of the (d+1)n block companion matrix: the general path, any local slopes.</summary>
    public static double CompanionSpectralRadius(DelayedLinearisation linearisation, int delaySteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(delaySteps);
        int n = linearisation.Count;
        if (n == 0)
            return 0;
        double dt = linearisation.Dt;
        var companion = Matrix<double>.Build.Dense((delaySteps + 1) * n, (delaySteps + 1) * n);
        int delayedBlock = delaySteps * n; // the column block of e_{t−d}; with d = 0 it is e_t itself
        for (int row = 0; row < n; row++)
        {
            companion[row, row] = 1 + dt * linearisation.LocalSlope[row];
            for (int column = 0; column < n; column++)
                companion[row, delayedBlock + column] += dt * linearisation.Coupling[row, column];
        }
        for (int index = n; index < (delaySteps + 1) * n; index++)
            companion[index, index - n] = 1; // e_{t−k} moves down one slot
        return companion.Evd(Symmetricity.Asymmetric).EigenValues.Max(Complex.Abs);
    }

    /// <summary>
    /// max |λ| over the eigenvalues of the coupling K when every unit has the same local slope, else null. With
    /// |a| + dt·max|λ| &lt; 1 (a = 1 + dt·slope; VF form: max |eig(J)| &lt; 1 for dt ≤ 1) the map is stable at every delay:
    /// a root with |z| ≥ 1 would need |z^d (z − a)| ≥ |z| − |a| ≥ 1 − |a| &gt; dt·|λ|, so none exists
    /// (<see cref="IsStableAtEveryDelay"/>).
    /// </summary>
    public static double? CouplingSpectralRadius(DelayedLinearisation linearisation)
    {
        if (linearisation.UniformLocalSlope() is not { } slope)
            return null;
        return linearisation.JacobianEigenvalues().Select(eigenvalue => Complex.Abs(eigenvalue - slope)).DefaultIfEmpty(0).Max();
    }

    /// <summary>Whether |a| + dt·max|λ| &lt; 1, which rules out a root on or outside the unit circle at any delay; null with unequal slopes.</summary>
    public static bool? IsStableAtEveryDelay(DelayedLinearisation linearisation)
    {
        if (linearisation.UniformLocalSlope() is not { } slope || CouplingSpectralRadius(linearisation) is not { } radius)
            return linearisation.Count == 0 ? true : null;
        return Math.Abs(1 + linearisation.Dt * slope) + linearisation.Dt * radius < 1;
    }

    /// <summary>The smallest delay whose radius is at least 1, or null when every delay up to the last one is stable.</summary>
    public static int? CriticalDelay(IReadOnlyList<double> radiiByDelay)
    {
        for (int delay = 0; delay < radiiByDelay.Count; delay++)
            if (radiiByDelay[delay] >= 1)
                return delay;
        return null;
    }
}

using System.Numerics;
using EqPropActors.Core.Analysis;
using EqPropActors.Core.Gradients;
using EqPropActors.Core.Network;
using EqPropActors.Core.Tests.Gradients;
using MathNet.Numerics.LinearAlgebra;

namespace EqPropActors.Core.Tests.Analysis;

/// <summary>
/// The spectral radius of the delayed map e_{t+1} = A e_t + dt·K e_{t−d} three ways: roots of the per-eigenvalue
/// polynomials (the default path), eigenvalues of the (d+1)n block companion matrix, and the growth rate of the
/// recurrence itself iterated in a plain loop; and the scalar case against its closed-form stability boundary.
/// </summary>
public sealed class DelayedSpectrumTests
{
    private const int MaxDelay = 12;

    /// <summary>Roots and companion matrix are two exact computations of one spectrum: they agree to rounding.</summary>
    private const double ExactTolerance = 1e-9;

    /// <summary>
    /// |log r_simulated − log r|: the norm over a window of W steps grows as r^W times a bounded factor (eigenvector
    /// conditioning, the phase of a complex pair), so the error is O(1/W); W = 10 000 here.
    /// </summary>
    private const double GrowthTolerance = 1e-3;

    [Fact]
    public void RootsAndCompanionMatrixGiveTheSameRadiusAtARandomNetworksFixedPoint()
    {
        // A seed whose fixed point has active units in every layer and is stable at d = 0 but not at d = 1.
        var problem = TestProblems.Gaussian([4, 6, 5, 3], Activation.HardSigmoid, DynamicsForm.Vf, seed: 1, weightStd: 1.2, biasMean: 0.5, biasStd: 0.3);
        var fixedPoint = ReferenceDynamics.RequireFixedPoint(problem.Network, problem.Inputs[0], null, 0.0, null, GradientAssertions.TightSettings);
        var linearisation = DelayedLinearisation.AtFreeFixedPoint(problem.Network, fixedPoint, 0.5);
        Assert.True(linearisation.Count >= 3, $"only {linearisation.Count} active units");

        double[] radii = DelayedSpectrum.SpectralRadii(linearisation, MaxDelay);

        Assert.True(radii[0] < 1 && radii[1] > 1, $"the case should cross 1: radii {string.Join(", ", radii)}");
        for (int delay = 0; delay <= MaxDelay; delay++)
            Assert.Equal(DelayedSpectrum.CompanionSpectralRadius(linearisation, delay), radii[delay], ExactTolerance);
    }

    [Fact]
    public void RootsAndCompanionMatrixAgreeOnALargerLayeredCoupling()
    {
        var linearisation = RandomLayeredLinearisation([5, 4, 3], uniformSlope: true, seed: 2);
        double[] radii = DelayedSpectrum.SpectralRadii(linearisation, MaxDelay);

        Assert.True(radii[0] < 1 && radii[MaxDelay] > 1, $"the case should cross 1: radii {string.Join(", ", radii)}");
        for (int delay = 0; delay <= MaxDelay; delay++)
            Assert.Equal(DelayedSpectrum.CompanionSpectralRadius(linearisation, delay), radii[delay], ExactTolerance);
    }

    [Fact]
    public void CouplingInsideTheUnitCircleIsStableAtEveryDelayAndOutsideItIsNot()
    {
        var inside = RandomLayeredLinearisation([5, 4, 3], uniformSlope: true, seed: 2, largestEigenvalue: 0.9);
        var outside = RandomLayeredLinearisation([5, 4, 3], uniformSlope: true, seed: 2, largestEigenvalue: 1.4);

        Assert.Equal(0.9, DelayedSpectrum.CouplingSpectralRadius(inside)!.Value, 1e-9);
        Assert.True(DelayedSpectrum.IsStableAtEveryDelay(inside));
        Assert.All(DelayedSpectrum.SpectralRadii(inside, 40), radius => Assert.True(radius < 1, $"radius {radius}"));
        Assert.False(DelayedSpectrum.IsStableAtEveryDelay(outside));
        Assert.NotNull(DelayedSpectrum.CriticalDelay(DelayedSpectrum.SpectralRadii(outside, 40)));
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(true, 1)]
    [InlineData(true, 4)]
    [InlineData(true, 10)]
    [InlineData(false, 0)]
    [InlineData(false, 3)]
    [InlineData(false, 9)]
    public void RadiusIsTheGrowthRateOfTheRecurrenceIteratedInAPlainLoop(bool uniformSlope, int delay)
    {
        // Unequal slopes (rho-prime form with the logistic) take the companion path, equal ones the root path.
        var linearisation = RandomLayeredLinearisation([5, 4, 3], uniformSlope, seed: 2);
        double radius = DelayedSpectrum.SpectralRadii(linearisation, delay)[delay];

        double simulated = SimulatedGrowthRate(linearisation, delay, window: 10_000);

        Assert.True(Math.Abs(Math.Log(simulated) - Math.Log(radius)) < GrowthTolerance,
            $"d = {delay}: radius {radius:F6}, simulated growth per step {simulated:F6}");
    }

    /// <summary>
    /// One unit feeding back on itself through the delay (n = 1, J = λ &lt; 0): the polynomial z^{d+1} − a z^d + b
    /// (a = 1 − dt, b = −dt·λ) has a root on the unit circle z = e^{iθ} exactly when |e^{iθ} − a| = b and
    /// dθ + arg(e^{iθ} − a) = π. For 1 − a &lt; b &lt; 1 + a that fixes cos θ = (1 + a² − b²)/(2a), and the first unstable
    /// delay is the smallest integer d ≥ (π − arg(e^{iθ} − a))/θ (as dt → 0, d·dt tends to the delay-differential bound
    /// arccos(1/λ)/√(λ² − 1)). For b ≤ 1 − a every delay is stable (a + b ≤ 1); for b ≥ 1 + a already d = 0 is not.
    /// </summary>
    [Theory]
    [InlineData(0.5, -0.9)]   // weak negative feedback: stable at every delay
    [InlineData(0.5, -1.2)]
    [InlineData(0.5, -2.0)]
    [InlineData(0.2, -1.5)]
    [InlineData(0.1, -3.0)]
    [InlineData(0.05, -1.1)]
    [InlineData(0.5, -3.5)]   // b = 1.75 ≥ 1 + a: unstable without delay
    public void CriticalDelayOfDelayedSelfFeedbackMatchesTheClosedForm(double dt, double lambda)
    {
        const int maxDelay = 80;
        double[] radii = Enumerable.Range(0, maxDelay + 1).Select(d => DelayedSpectrum.RootRadius(1 - dt, dt * lambda, d)).ToArray();

        Assert.Equal(ClosedFormCriticalDelay(1 - dt, -dt * lambda, maxDelay), DelayedSpectrum.CriticalDelay(radii));
    }

    /// <summary>Positive feedback λ: the real root crosses 1 at λ = 1 whatever the delay (a + dt·λ = 1).</summary>
    [Theory]
    [InlineData(0.9, null)]
    [InlineData(1.1, 0)]
    public void PositiveSelfFeedbackIsStableAtEveryDelayOrAtNone(double lambda, int? expected)
    {
        double[] radii = Enumerable.Range(0, 31).Select(d => DelayedSpectrum.RootRadius(0.5, 0.5 * lambda, d)).ToArray();
        Assert.Equal(expected, DelayedSpectrum.CriticalDelay(radii));
        Assert.All(radii, radius => Assert.Equal(lambda < 1, radius < 1));
    }

    [Fact]
    public void ScalarRootRadiusIsTheModulusOfTheOnlyRootWithoutDelay()
    {
        Assert.Equal(Complex.Abs(new Complex(0.5 + 0.3, 0.4)), DelayedSpectrum.RootRadius(0.5, new Complex(0.3, 0.4), 0), 1e-15);
        // d = 1, real: z² − a z − c = 0 by the quadratic formula.
        double a = 0.6, cReal = 0.3;
        double largest = (a + Math.Sqrt(a * a + 4 * cReal)) / 2;
        Assert.Equal(largest, DelayedSpectrum.RootRadius(a, cReal, 1), 1e-12);
        // d = 1, complex c: roots (a ± √(a² + 4c))/2.
        var complexC = new Complex(-0.2, 0.7);
        var root = Complex.Sqrt(a * a + 4 * complexC);
        double expected = Math.Max(Complex.Abs((a + root) / 2), Complex.Abs((a - root) / 2));
        Assert.Equal(expected, DelayedSpectrum.RootRadius(a, complexC, 1), 1e-12);
    }

    [Theory]
    [InlineData(1.0, 0.1, 10)]
    [InlineData(1.05, 0.1, 11)]
    [InlineData(0.0, 0.5, 0)]
    [InlineData(2.0, 0.5, 4)]
    [InlineData(2.1, 0.5, 5)]
    [InlineData(0.3, 0.2, 2)]
    public void DelayInTauBecomesTheFewestWholeStepsThatCoverIt(double tau, double dt, int steps) =>
        Assert.Equal(steps, DelayUnits.StepsFromTau(tau, dt));

    /// <summary>The closed form of <see cref="CriticalDelayOfDelayedSelfFeedbackMatchesTheClosedForm"/>.</summary>
    private static int? ClosedFormCriticalDelay(double a, double b, int maxDelay)
    {
        if (b >= 1 + a)
            return 0;
        if (b <= 1 - a)
            return null;
        double theta = Math.Acos((1 + a * a - b * b) / (2 * a));
        double phase = Math.Atan2(Math.Sin(theta), Math.Cos(theta) - a);
        int delay = (int)Math.Ceiling((Math.PI - phase) / theta);
        return delay <= maxDelay ? delay : null;
    }

    /// <summary>
    /// A Jacobian shaped like a layered network's: couplings between neighbouring layers only, the feedback nearly the
    /// negated transpose of the forward one (so the eigenvalues are nearly imaginary, as when W_fb and W_ffᵀ point apart),
    /// scaled so that the largest |λ| is <paramref name="largestEigenvalue"/>: above 1, so that a long enough delay is
    /// unstable, while |1 − dt + dt·λ| &lt; 1 keeps d = 0 stable. Diagonal −1 (VF) or drawn from [−1.3, −0.7].
    /// </summary>
    private static DelayedLinearisation RandomLayeredLinearisation(int[] layerSizes, bool uniformSlope, int seed, double largestEigenvalue = 1.4)
    {
        var random = new Random(seed);
        int n = layerSizes.Sum();
        var coupling = Matrix<double>.Build.Dense(n, n);
        int[] offsets = layerSizes.Select((_, l) => layerSizes.Take(l).Sum()).ToArray();
        for (int l = 0; l + 1 < layerSizes.Length; l++)
            for (int i = 0; i < layerSizes[l]; i++)
                for (int j = 0; j < layerSizes[l + 1]; j++)
                {
                    double forward = Gaussian(random);
                    coupling[offsets[l + 1] + j, offsets[l] + i] = forward;
                    coupling[offsets[l] + i, offsets[l + 1] + j] = -forward + 0.2 * Gaussian(random);
                }
        // eig(K) through eig(K − I): the shift keeps MathNet's QR iteration off the bipartite ± pairs (see JacobianEigenvalues).
        double largest = DelayedLinearisation.FromJacobian(coupling - Matrix<double>.Build.DenseIdentity(n), 0.5)
            .JacobianEigenvalues().Max(eigenvalue => Complex.Abs(eigenvalue + 1));
        var jacobian = coupling * (largestEigenvalue / largest);
        for (int i = 0; i < n; i++)
            jacobian[i, i] = uniformSlope ? -1 : -0.7 - 0.6 * random.NextDouble();
        return DelayedLinearisation.FromJacobian(jacobian, dt: 0.5);
    }

    /// <summary>
    /// Iterates e_{t+1} = diag(1 + dt·slope) e_t + dt·K e_{t−d} from a random history for 2W steps, renormalising as it
    /// goes, and returns (‖e_{2W}‖ / ‖e_W‖)^{1/W}: the growth per step once the dominant mode has taken over.
    /// </summary>
    private static double SimulatedGrowthRate(DelayedLinearisation linearisation, int delay, int window)
    {
        int n = linearisation.Count;
        double dt = linearisation.Dt;
        double[,] coupling = linearisation.Coupling.ToArray();
        var random = new Random(7);
        // history[k] holds e_{t−k}; index 0 is the newest.
        var history = new List<double[]>();
        for (int k = 0; k <= delay; k++)
            history.Add(Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray());
        double logScale = 0, logNormAtWindow = 0;
        for (int step = 1; step <= 2 * window; step++)
        {
            double[] current = history[0], delayed = history[delay];
            var next = new double[n];
            for (int i = 0; i < n; i++)
            {
                double sum = 0;
                for (int k = 0; k < n; k++)
                    sum += coupling[i, k] * delayed[k];
                next[i] = (1 + dt * linearisation.LocalSlope[i]) * current[i] + dt * sum;
            }
            history.Insert(0, next);
            history.RemoveAt(history.Count - 1);
            double norm = Math.Sqrt(next.Sum(v => v * v));
            if (norm > 1e50 || norm < 1e-50)
            {
                foreach (double[] entry in history)
                    for (int i = 0; i < n; i++)
                        entry[i] /= norm;
                logScale += Math.Log(norm);
                norm = 1;
            }
            if (step == window)
                logNormAtWindow = logScale + Math.Log(norm);
            if (step == 2 * window)
                return Math.Exp((logScale + Math.Log(norm) - logNormAtWindow) / window);
        }
        throw new InvalidOperationException("unreachable");
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
}

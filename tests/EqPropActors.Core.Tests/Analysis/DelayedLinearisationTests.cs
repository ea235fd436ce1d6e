using EqPropActors.Core.Analysis;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Gradients;
using EqPropActors.Core.Network;
using EqPropActors.Core.Tests.Engines;

namespace EqPropActors.Core.Tests.Analysis;

/// <summary>
/// The linearisation against the dynamics it linearises: one step of the engines' shared kernel (the batch engine's
/// free phase, one Euler step) from s* ± ε·v, differenced, must move v as diag(1 + dt·LocalSlope) v + dt·Coupling v,
/// the d = 0 map; units the clip holds must not move at all.
/// </summary>
public sealed class DelayedLinearisationTests
{
    private const float Dt = 0.5f;
    private const double Epsilon = 1e-3;

    /// <summary>
    /// Float32 states and drives (rounding ~1e-7 on values near 1, divided by 2ε) plus, for the logistic, the O(ε²)
    /// curvature term: well under 1e-3 for perturbations of size 1.
    /// </summary>
    private const double Tolerance = 1e-3;

    [Theory]
    [InlineData(Activation.HardSigmoid, DynamicsForm.Vf)]
    [InlineData(Activation.Logistic, DynamicsForm.Vf)]
    [InlineData(Activation.Logistic, DynamicsForm.RhoPrime)]
    public void OneKernelStepMovesAPerturbationAsTheLinearisationSays(Activation activation, DynamicsForm form)
    {
        var problem = new EngineProblem([13, 9, 7, 5], activation, form);
        var network = problem.Network;
        var reference = ParameterConversion.ToReference(network, problem.Weights);
        var random = new Random(11);
        int checkedUnits = 0;
        for (int row = 0; row < problem.Batch.Rows; row++)
        {
            var fixedPoint = ReferenceDynamics.RequireFixedPoint(reference, problem.Input(row), null, 0.0, null,
                new RelaxationSettings(Dt, Tolerance: 1e-12, MaxSteps: 100_000));
            var activeSet = ActiveSet.AtFreeFixedPoint(reference, fixedPoint);
            Assert.Equal(0, activeSet.WeaklyActiveCount); // a unit resting on a bound with no push would make the step one-sided
            var linearisation = DelayedLinearisation.AtFreeFixedPoint(reference, fixedPoint, Dt);
            Assert.Equal(activeSet.Count, linearisation.Count);

            double[] direction = Enumerable.Range(0, activeSet.Count).Select(_ => 2 * random.NextDouble() - 1).ToArray();
            double[][] plus = OneKernelStep(problem, row, Perturbed(fixedPoint, activeSet, direction, +Epsilon));
            double[][] minus = OneKernelStep(problem, row, Perturbed(fixedPoint, activeSet, direction, -Epsilon));

            for (int l = 1; l < network.LayerCount; l++)
                for (int unit = 0; unit < network.LayerSizes[l]; unit++)
                {
                    double moved = (plus[l][unit] - minus[l][unit]) / (2 * Epsilon);
                    int index = activeSet.IndexOf(l, unit);
                    double predicted = index < 0 ? 0.0 : PredictedStep(linearisation, direction, index);
                    Assert.True(Math.Abs(moved - predicted) < Tolerance,
                        $"row {row}, layer {l}, unit {unit} ({(index < 0 ? "saturated" : "active")}): kernel {moved:F6}, linearisation {predicted:F6}");
                    checkedUnits += index < 0 ? 0 : 1;
                }
        }
        Assert.True(checkedUnits >= problem.Batch.Rows * 5, $"only {checkedUnits} active units were checked");
    }

    [Fact]
    public void VfFormHasTheLeakAsItsOnlyLocalTermAndNoCouplingWithinALayer()
    {
        var problem = new EngineProblem([13, 9, 7, 5]);
        var reference = ParameterConversion.ToReference(problem.Network, problem.Weights);
        var fixedPoint = ReferenceDynamics.RequireFixedPoint(reference, problem.Input(0), null, 0.0, null, new RelaxationSettings(Dt, 1e-12, 100_000));
        var activeSet = ActiveSet.AtFreeFixedPoint(reference, fixedPoint);
        var linearisation = DelayedLinearisation.AtFreeFixedPoint(reference, fixedPoint, Dt);

        Assert.Equal(-1.0, linearisation.UniformLocalSlope());
        for (int i = 0; i < activeSet.Count; i++)
            for (int k = 0; k < activeSet.Count; k++)
                if (activeSet.ActiveUnits[i].Layer == activeSet.ActiveUnits[k].Layer)
                    Assert.Equal(0.0, linearisation.Coupling[i, k]);
    }

    /// <summary>(1 + dt·slope_j) v_j + dt Σ_k Coupling_jk v_k.</summary>
    private static double PredictedStep(DelayedLinearisation linearisation, double[] direction, int index)
    {
        double coupled = 0;
        for (int k = 0; k < direction.Length; k++)
            coupled += linearisation.Coupling[index, k] * direction[k];
        return (1 + linearisation.Dt * linearisation.LocalSlope[index]) * direction[index] + linearisation.Dt * coupled;
    }

    private static double[][] Perturbed(double[][] fixedPoint, ActiveSet activeSet, double[] direction, double epsilon)
    {
        var states = fixedPoint.Select(layer => (double[])layer.Clone()).ToArray();
        for (int i = 0; i < activeSet.Count; i++)
        {
            var (layer, unit) = activeSet.ActiveUnits[i];
            states[layer][unit] += epsilon * direction[i];
        }
        return states;
    }

    /// <summary>One Euler step of the batch engine from the given states of one row (the other rows start at zero).</summary>
    private static double[][] OneKernelStep(EngineProblem problem, int row, double[][] start)
    {
        var network = problem.Network;
        var batch = problem.Batch;
        batch.Particles = network.LayerSizes.Select((n, l) => l == 0 ? [] : new float[batch.Rows * n]).ToArray();
        for (int l = 1; l < network.LayerCount; l++)
            for (int unit = 0; unit < network.LayerSizes[l]; unit++)
                batch.Particles[l][row * network.LayerSizes[l] + unit] = (float)start[l][unit];
        using (var engine = problem.CreateEngine())
            engine.Run(batch, MinibatchPlan.Evaluation(1), Dt, 0f);
        var next = new double[network.LayerCount][];
        next[0] = problem.Input(row);
        for (int l = 1; l < network.LayerCount; l++)
            next[l] = Enumerable.Range(0, network.LayerSizes[l]).Select(unit => (double)batch.Particles[l][row * network.LayerSizes[l] + unit]).ToArray();
        batch.Particles = null;
        return next;
    }
}

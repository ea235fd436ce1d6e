using EqPropActors.Core.Network;
using EqPropActors.Core.Gradients;

namespace EqPropActors.Core.Tests.Gradients;

/// <summary>The building blocks: relaxation, active set, cloning and tying, angles.</summary>
public class DynamicsAndHelpersTests
{
    [Fact]
    public void FixedStepRelaxation_ReachesTheSameFixedPoint_AndStaysInTheBox()
    {
        TestProblem problem = TestProblems.Gaussian([5, 4, 3], Activation.HardSigmoid, DynamicsForm.Vf, seed: 1);
        RelaxationResult converged = ReferenceDynamics.RelaxToFixedPoint(
            problem.Network, problem.Inputs[0], null, 0.0, null, GradientAssertions.TightSettings);
        RelaxationResult fixedSteps = ReferenceDynamics.Relax(
            problem.Network, problem.Inputs[0], null, 0.0, null, GradientAssertions.TightSettings.Dt, converged.Steps);

        Assert.True(converged.Converged);
        Assert.Equal(converged.Residual, fixedSteps.Residual);
        Assert.Equal(converged.States[2], fixedSteps.States[2]);
        Assert.All(converged.States.Skip(1).SelectMany(layer => layer), state => Assert.InRange(state, 0.0, 1.0));
        Assert.Equal(problem.Inputs[0], converged.States[0]);
    }

    [Fact]
    public void FreeFixedPoint_HasZeroFieldOnActiveUnits_AndOutwardFieldOnSaturatedOnes()
    {
        TestProblem problem = TestProblems.Gaussian([5, 4, 3], Activation.Logistic, DynamicsForm.RhoPrime, seed: 1);
        double[][] states = ReferenceDynamics.RequireFixedPoint(problem.Network, problem.Inputs[0], null, 0.0, null, GradientAssertions.TightSettings);
        double[][] field = ReferenceDynamics.Field(problem.Network, states, null, 0.0);
        ActiveSet activeSet = ActiveSet.AtFreeFixedPoint(problem.Network, states);

        Assert.True(activeSet.SaturatedCount > 0, "Precondition: a saturated unit.");
        for (int layer = 1; layer < states.Length; layer++)
            for (int unit = 0; unit < states[layer].Length; unit++)
            {
                if (activeSet.IndexOf(layer, unit) >= 0)
                    Assert.True(Math.Abs(field[layer][unit]) < 1e-12);
                else
                    Assert.True(states[layer][unit] == 0.0 ? field[layer][unit] < 0.0 : field[layer][unit] > 0.0);
            }
    }

    [Fact]
    public void NudgingPullsTheOutputTowardsTheTarget()
    {
        TestProblem problem = TestProblems.Gaussian([5, 4, 3], Activation.Logistic, DynamicsForm.Vf, seed: 3,
            weightStd: 0.2, biasMean: 0.5, biasStd: 0.1);
        double[] input = problem.Inputs[0], target = problem.Targets[0];
        double[][] free = ReferenceDynamics.RequireFixedPoint(problem.Network, input, null, 0.0, null, GradientAssertions.TightSettings);
        double[][] nudged = ReferenceDynamics.RequireFixedPoint(problem.Network, input, target, 0.5, free, GradientAssertions.TightSettings);

        Assert.True(ReferenceDynamics.Cost(nudged, target) < ReferenceDynamics.Cost(free, target));
    }

    [Fact]
    public void CloneIsDeep_AndTyingTransposesTheForwardWeights()
    {
        TestProblem problem = TestProblems.Gaussian([2, 3, 4], Activation.HardSigmoid, DynamicsForm.Vf, seed: 5);
        ReferenceNetwork network = problem.Network;
        ReferenceNetwork copy = network.Clone();
        copy.Wff[1]![0] += 1.0;
        Assert.NotEqual(copy.Wff[1]![0], network.Wff[1]![0]);

        network.TieFeedbackToForward();
        // Wfb[1][q * n_1 + i] (from unit q of layer 2 to unit i of layer 1) = Wff[2][i * n_2 + q].
        Assert.Equal(network.Wff[2]![2 * 4 + 3], network.Wfb[1]![3 * 3 + 2]);
        Assert.Null(network.Wfb[2]);
    }

    [Fact]
    public void Angles_AreExactForKnownVectors_PreciseWhenTiny_AndNaNForZeroVectors()
    {
        Assert.Equal(90.0, Angles.Degrees([1.0, 0.0], [0.0, 2.0]), 12);
        Assert.Equal(180.0, Angles.Degrees([1.0, 1.0], [-3.0, -3.0]), 12);
        double tiny = 1e-10;   // rad; acos of the cosine would round this to 0 or to ~1e-6 degrees
        double expected = tiny * 180.0 / Math.PI;
        Assert.InRange(Angles.Degrees([1.0, 0.0], [Math.Cos(tiny), Math.Sin(tiny)]), expected * (1 - 1e-9), expected * (1 + 1e-9));
        Assert.True(double.IsNaN(Angles.Degrees([0.0, 0.0], [1.0, 0.0])));
    }

    /// <summary>
    /// M in the rho-prime form has a ρ'(s_post) factor, and so has the VF rule there (since 2026-12-02): with the
    /// logistic, its β → 0 limit is ν = c J⁻ᵀ M. The same states with the rule's old factors (a VF-form copy of the
    /// network, ρ' left out) are visibly off, so the factor matters.
    /// </summary>
    [Fact]
    public void InRhoPrimeFormWithLogistic_TheVfRuleConvergesToTheoremsNuOnlyWithItsRhoPrimeFactor()
    {
        TestProblem problem = TestProblems.Gaussian([6, 5, 4, 3], Activation.Logistic, DynamicsForm.RhoPrime, seed: 2);
        RelaxationSettings settings = GradientAssertions.TightSettings;
        const double beta = 1e-3;
        NetworkGradient nu = TrueGradient.VfEstimateLimit(problem.Network, problem.Inputs, problem.Targets, settings);

        var withoutFactor = new ReferenceNetwork(problem.Network.LayerSizes, Activation.Logistic, DynamicsForm.Vf);
        foreach (TensorId tensor in problem.Network.TensorIds)
            problem.Network.Tensor(tensor).CopyTo(withoutFactor.Tensor(tensor), 0);
        var withFactor = new NetworkGradient(problem.Network.LayerSizes);
        var oldRule = new NetworkGradient(problem.Network.LayerSizes);
        for (int sample = 0; sample < problem.Inputs.Length; sample++)
        {
            double[] input = problem.Inputs[sample], target = problem.Targets[sample];
            double[][] free = ReferenceDynamics.RequireFixedPoint(problem.Network, input, null, 0.0, null, settings);
            double[][] positive = ReferenceDynamics.RequireFixedPoint(problem.Network, input, target, beta, free, settings);
            double[][] negative = ReferenceDynamics.RequireFixedPoint(problem.Network, input, target, -beta, free, settings);
            withFactor.AddScaled(VfRuleReference.CenteredVfUpdateFromStates(problem.Network, free, positive, negative, beta), 1.0 / problem.Inputs.Length);
            oldRule.AddScaled(VfRuleReference.CenteredVfUpdateFromStates(withoutFactor, free, positive, negative, beta), 1.0 / problem.Inputs.Length);
        }

        double angle = Angles.Degrees(withFactor, nu), oldAngle = Angles.Degrees(oldRule, nu);
        Assert.True(angle < 0.1, $"Angle {angle}° between the rule with ρ'(s_post) and ν.");
        Assert.True(oldAngle > 1.0, $"Angle {oldAngle}°: without ρ'(s_post) the rule should be visibly off ν.");
    }
}

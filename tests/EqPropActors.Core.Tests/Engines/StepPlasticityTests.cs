using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Gradients;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Tests.Engines;

/// <summary>
/// The forms that learn in time (--update stdp|continual) against plain double loops: the reference relaxes every
/// sample with <see cref="ReferenceDynamics"/>, one Euler step at a time through the nudged phase, and sums
/// ρ(s_pre^t)·(s_post^{t+1} − s_post^t)/β itself (STDP), or moves its own weights by that, averaged over the minibatch,
/// after every step (continual). In the logistic ρ' form each change is weighted by ρ'(s_post^t). The engine runs in float, the reference in double: they agree to 1e-4 of the largest entry.
/// </summary>
public sealed class StepPlasticityTests
{
    private const double RelativeTolerance = 1e-4;
    private const int FreeSteps = 30, NudgedSteps = 10;
    private const float Dt = 0.5f, Beta = 0.3f;

    [Theory]
    [InlineData(false, 1, false)]
    [InlineData(true, 1, false)]
    [InlineData(false, 3, false)]
    [InlineData(false, 1, true)]
    public void StdpEstimateIsTheSumOfTheStepIncrements(bool centered, int groups, bool logisticRhoPrime)
    {
        var problem = logisticRhoPrime
            ? new EngineProblem([13, 9, 7, 5], Activation.Logistic, DynamicsForm.RhoPrime)
            : new EngineProblem([13, 9, 7, 5], groupsPerHiddenLayer: groups);
        using var engine = problem.CreateEngine();
        engine.Run(problem.Batch, Plan(UpdateForm.Stdp, centered, UpdateMode.EstimateOnly), Dt, 1e-3f);
        var estimate = ParameterConversion.ToGradient(engine.ExportEstimate()).ToVector();

        var reference = ParameterConversion.ToReference(problem.Network, problem.Weights);
        var sums = new NetworkGradient(problem.Network.LayerSizes);
        var states = FreePhase(problem, reference);
        foreach (double beta in centered ? new[] { Beta, -Beta } : [Beta])
        {
            var nudged = states.Select(s => s.Select(l => (double[])l.Clone()).ToArray()).ToArray();
            for (int step = 0; step < NudgedSteps; step++)
                StepAndSum(problem, reference, nudged, beta, sums, scale: 1.0 / (beta * (centered ? 2 : 1) * problem.Batch.Rows));
        }
        AssertClose(sums.ToVector(), estimate);
    }

    [Fact]
    public void StdpAppliesItsSumAsTheTwoPhaseRuleAppliesItsEstimate()
    {
        var problem = new EngineProblem([13, 9, 7, 5]);
        float[] rates = [0.1f, 0.05f, 0.02f];
        using var estimating = problem.CreateEngine(rates);
        estimating.Run(problem.Batch, Plan(UpdateForm.Stdp, false, UpdateMode.EstimateOnly), Dt, 1e-3f);
        var estimate = estimating.ExportEstimate();
        using var training = problem.CreateEngine(rates);
        training.Run(problem.Batch, Plan(UpdateForm.Stdp, false, UpdateMode.Apply), Dt, 1e-3f);
        var trained = training.ExportWeights();
        for (int l = 1; l < problem.Network.LayerCount; l++)
            for (int i = 0; i < trained.Forward[l].Length; i++)
                Assert.Equal(MathF.FusedMultiplyAdd(rates[l - 1], estimate.Forward[l][i], problem.Weights.Forward[l][i]), trained.Forward[l][i]);
    }

    [Fact]
    public void ContinualMovesTheWeightsAtEveryNudgedStep()
    {
        var problem = new EngineProblem([13, 9, 7, 5]);
        float[] rates = [0.4f, 0.2f, 0.1f]; // large enough that the weights' motion changes the relaxation measurably
        using var engine = problem.CreateEngine(rates);
        engine.Run(problem.Batch, Plan(UpdateForm.Continual, false, UpdateMode.Apply), Dt, 1e-3f);
        var trained = ParameterConversion.ToReference(problem.Network, engine.ExportWeights());

        var reference = ParameterConversion.ToReference(problem.Network, problem.Weights);
        var states = FreePhase(problem, reference);
        for (int step = 0; step < NudgedSteps; step++)
        {
            var increment = new NetworkGradient(problem.Network.LayerSizes);
            StepAndSum(problem, reference, states, Beta, increment, scale: 1.0 / (Beta * problem.Batch.Rows));
            for (int l = 1; l < problem.Network.LayerCount; l++)
            {
                // Forward synapses learn at the rate of the pair below their layer, feedback ones at the pair above.
                AddScaled(reference.Wff[l]!, increment.Wff[l]!, rates[l - 1]);
                AddScaled(reference.Bias[l]!, increment.Bias[l]!, rates[l - 1]);
                if (l < problem.Network.OutputLayer)
                    AddScaled(reference.Wfb[l]!, increment.Wfb[l]!, rates[l]);
            }
        }
        var moved = Difference(reference, problem);
        AssertClose(moved, Difference(trained, problem));
    }

    [Fact]
    public void ContinualEstimatePutsTheWeightsBack()
    {
        var problem = new EngineProblem([13, 9, 7, 5]);
        using var engine = problem.CreateEngine([0.4f, 0.2f, 0.1f]);
        engine.Run(problem.Batch, Plan(UpdateForm.Continual, false, UpdateMode.EstimateOnly), Dt, 1e-3f);
        var weights = engine.ExportWeights();
        for (int l = 1; l < problem.Network.LayerCount; l++)
        {
            Assert.Equal(problem.Weights.Forward[l], weights.Forward[l]);
            Assert.Equal(problem.Weights.Bias[l], weights.Bias[l]);
        }
        Assert.Contains(engine.ExportEstimate().Forward[1], v => v != 0f);
    }

    private static MinibatchPlan Plan(UpdateForm form, bool centered, UpdateMode update) =>
        MinibatchPlan.Training(FreeSteps, NudgedSteps, new RuleApplication(LearningRule.Vf, Beta, centered, 0f, Form: form), update);

    /// <summary>Each sample's states after the free phase, relaxed in double from zero.</summary>
    private static double[][][] FreePhase(EngineProblem problem, ReferenceNetwork reference) =>
        Enumerable.Range(0, problem.Batch.Rows)
            .Select(r => ReferenceDynamics.Relax(reference, problem.Input(r), null, 0, null, Dt, FreeSteps).States)
            .ToArray();

    /// <summary>One nudged step for every sample (in place), adding scale·ρ(s_pre^t)·Δs_post to <paramref name="sums"/>.</summary>
    private static void StepAndSum(EngineProblem problem, ReferenceNetwork reference, double[][][] states, double beta, NetworkGradient sums, double scale)
    {
        int[] sizes = problem.Network.LayerSizes.ToArray();
        for (int r = 0; r < states.Length; r++)
        {
            var before = states[r];
            var after = ReferenceDynamics.Relax(reference, problem.Input(r), problem.Target(r), beta, before, Dt, 1).States;
            for (int l = 1; l < sizes.Length; l++)
                for (int j = 0; j < sizes[l]; j++)
                {
                    // ρ'(s_post^t) in the ρ' form (DriveGain), 1 in the VF form.
                    double change = (after[l][j] - before[l][j]) * scale * reference.DriveGain(before[l][j]);
                    sums.Bias[l]![j] += change;
                    for (int p = 0; p < sizes[l - 1]; p++)
                        sums.Wff[l]![p * sizes[l] + j] += reference.Rate(before[l - 1][p]) * change;
                    if (l < sizes.Length - 1)
                        for (int p = 0; p < sizes[l + 1]; p++)
                            sums.Wfb[l]![p * sizes[l] + j] += reference.Rate(before[l + 1][p]) * change;
                }
            states[r] = after;
        }
    }

    private static void AddScaled(double[] target, double[] increment, double factor)
    {
        for (int i = 0; i < target.Length; i++)
            target[i] += factor * increment[i];
    }

    /// <summary>Every parameter minus its initial value, as one vector.</summary>
    private static double[] Difference(ReferenceNetwork weights, EngineProblem problem)
    {
        var initial = ParameterConversion.ToReference(problem.Network, problem.Weights);
        var now = weights.ToVector();
        var before = initial.ToVector();
        return now.Zip(before, (a, b) => a - b).ToArray();
    }

    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        double scale = expected.Max(Math.Abs);
        Assert.True(scale > 1e-3, "the update should not vanish in this problem");
        for (int i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= RelativeTolerance * scale,
                $"entry {i}: reference {expected[i]:R}, engine {actual[i]:R} (scale {scale:G3})");
    }
}

using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Gradients;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Tests.Engines;

/// <summary>
/// The vectorized engine's phases against the plain double-precision reference loop (ReferenceDynamics), step for
/// step: same number of Euler steps, same start, states equal within float rounding.
/// </summary>
public sealed class BatchEngineDynamicsTests
{
    private const double StateTolerance = 2e-5; // float32 sums of ~20 terms over ≤ 40 contracting steps

    [Theory]
    [InlineData(Activation.HardSigmoid, DynamicsForm.Vf, 1)]
    [InlineData(Activation.HardSigmoid, DynamicsForm.Vf, 3)]
    [InlineData(Activation.Logistic, DynamicsForm.Vf, 1)]
    [InlineData(Activation.Logistic, DynamicsForm.RhoPrime, 3)]
    [InlineData(Activation.HardSigmoid, DynamicsForm.RhoPrime, 2)]
    public void FreeAndNudgedPhasesMatchTheReferenceLoop(Activation activation, DynamicsForm form, int groups)
    {
        var problem = new EngineProblem([13, 9, 7, 5], activation, form, groupsPerHiddenLayer: groups);
        using var engine = problem.CreateEngine();
        const int freeSteps = 25, nudgedSteps = 8;
        const float beta = 0.7f, dt = 0.4f;
        var plan = MinibatchPlan.Training(freeSteps, nudgedSteps, new RuleApplication(LearningRule.Vf, beta, true, 0f), UpdateMode.None);
        engine.Run(problem.Batch, plan, dt, 1e-3f);

        var reference = ParameterConversion.ToReference(problem.Network, problem.Weights);
        for (int row = 0; row < problem.Batch.Rows; row++)
        {
            var free = ReferenceDynamics.Relax(reference, problem.Input(row), null, 0, null, dt, freeSteps).States;
            var positive = ReferenceDynamics.Relax(reference, problem.Input(row), problem.Target(row), beta, free, dt, nudgedSteps).States;
            var negative = ReferenceDynamics.Relax(reference, problem.Input(row), problem.Target(row), -beta, free, dt, nudgedSteps).States;
            AssertStatesClose(free, problem.PhaseStates(engine, PhaseSlot.Free, row), $"free, row {row}");
            AssertStatesClose(positive, problem.PhaseStates(engine, PhaseSlot.Positive, row), $"+β, row {row}");
            AssertStatesClose(negative, problem.PhaseStates(engine, PhaseSlot.Negative, row), $"−β, row {row}");
        }
    }

    [Fact]
    public void ResidualCountsSamplesThatHaveNotSettled()
    {
        var problem = new EngineProblem([13, 9, 7, 5]);
        using var engine = problem.CreateEngine();
        var shortRun = engine.Run(problem.Batch, MinibatchPlan.Evaluation(2), 0.5f, 1e-6f);
        var longRun = engine.Run(problem.Batch, MinibatchPlan.Evaluation(400), 0.5f, 1e-3f);
        Assert.Equal(problem.Batch.Rows, shortRun.Phases[0].NonConverged);
        Assert.True(shortRun.Phases[0].MeanResidual > 1e-2, $"two steps from zero move far: residual {shortRun.Phases[0].MeanResidual}");
        Assert.Equal(0, longRun.Phases[0].NonConverged);
        Assert.True(longRun.Phases[0].MaxResidual < 1e-3);
    }

    [Fact]
    public void ScoresTheFreePhaseOutputs()
    {
        var problem = new EngineProblem([13, 9, 7, 5], rows: 8);
        using var engine = problem.CreateEngine();
        var report = engine.Run(problem.Batch, MinibatchPlan.Evaluation(30), 0.5f, 1e-3f);
        double loss = 0;
        int errors = 0;
        for (int row = 0; row < 8; row++)
        {
            var output = problem.PhaseStates(engine, PhaseSlot.Free, row)[^1];
            var target = problem.Target(row);
            loss += 0.5 * output.Zip(target, (o, y) => (y - o) * (y - o)).Sum();
            int predicted = Array.IndexOf(output, output.Max());
            errors += predicted == problem.Batch.Labels[row] ? 0 : 1;
        }
        Assert.Equal(loss, report.LossSum, 5);
        Assert.Equal(errors, report.Errors);
    }

    [Fact]
    public void TheRelaxationLoopAllocatesNothing()
    {
        var problem = new EngineProblem([13, 9, 7, 5], groupsPerHiddenLayer: 2);
        using var engine = problem.CreateEngine();
        var rule = new RuleApplication(LearningRule.Vf, 0.5f, true, 0.9f);
        MinibatchPlan Plan(int steps) => MinibatchPlan.Training(steps, steps, rule);
        var shortPlan = Plan(2);
        var longPlan = Plan(300);
        engine.Run(problem.Batch, shortPlan, 0.5f, 1e-3f); // first use allocates velocities and warms up
        engine.Run(problem.Batch, longPlan, 0.5f, 1e-3f);

        long before = GC.GetAllocatedBytesForCurrentThread();
        engine.Run(problem.Batch, shortPlan, 0.5f, 1e-3f);
        long shortRun = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        engine.Run(problem.Batch, longPlan, 0.5f, 1e-3f);
        long longRun = GC.GetAllocatedBytesForCurrentThread() - before;

        // 3 × 298 more steps per group cost no allocation: whatever a minibatch allocates (its report) is per minibatch.
        Assert.Equal(shortRun, longRun);
    }

    private static void AssertStatesClose(double[][] expected, double[][] actual, string where)
    {
        for (int l = 1; l < expected.Length; l++)
            for (int j = 0; j < expected[l].Length; j++)
                Assert.True(Math.Abs(expected[l][j] - actual[l][j]) <= StateTolerance,
                    $"{where}: layer {l} unit {j}: reference {expected[l][j]:R}, engine {actual[l][j]:R}");
    }
}

using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Engines.Profiling;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Tests.Engines;

/// <summary>A profiled batch engine says where its time went and computes exactly what an unprofiled one does.</summary>
public sealed class ProfiledBatchEngineTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public void ProfilingChangesNoBitAndItsSharesCoverTheWholeTime(int threads, bool settling)
    {
        var problem = new EngineProblem([784, 64, 10], rows: 20, initAngle: 90);
        var recorder = new TimeBreakdownRecorder();
        using var plain = new BatchEngine(problem.Network, problem.Batch.Rows, Rates(problem), threads);
        using var profiled = new BatchEngine(problem.Network, problem.Batch.Rows, Rates(problem), threads, recorder);
        plain.LoadParameters(problem.Weights, null);
        profiled.LoadParameters(problem.Weights, null);
        var plan = MinibatchPlan.Training(settling ? PhaseLength.Auto : 20, 4, new RuleApplication(LearningRule.Vf, 0.5f, false, 0f));
        for (int i = 0; i < 3; i++)
        {
            var expected = plain.Run(problem.Batch, plan, 0.5f, 1e-3f);
            var actual = profiled.Run(problem.Batch, plan, 0.5f, 1e-3f);
            Assert.Equal(expected.LossSum, actual.LossSum);
            Assert.Equal(expected.Phases, actual.Phases);
        }
        Assert.True(plain.ExportWeights().BitwiseEquals(profiled.ExportWeights(), out string? difference), $"first difference at {difference}");

        var shares = recorder.Shares();
        Assert.Equal(1.0, shares.Products + shares.ElementWise + shares.Residuals + shares.Bookkeeping, precision: 9);
        output.WriteLine(shares.ToString());
        // Every kind of work was timed (how the shares split depends on the load of the machine: not asserted).
        Assert.True(shares.Products > 0, $"{shares}");
        Assert.True(shares.ElementWise > 0, $"{shares}");
        Assert.True(shares.Residuals > 0, $"{shares}");
        Assert.True(shares.Bookkeeping >= 0, $"{shares}");
        Assert.True(recorder.ProductTicks + recorder.ElementWiseTicks + recorder.ResidualTicks <= recorder.TotalTicks);
    }

    [Fact]
    public void SharesOfNothingAreRefused() => Assert.Throws<ArgumentOutOfRangeException>(() => new TimeBreakdownRecorder().Shares());

    private static float[] Rates(EngineProblem problem) => Enumerable.Repeat(0.05f, problem.Network.PairCount).ToArray();
}

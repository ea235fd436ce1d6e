using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;
using Xunit;

namespace EqPropActors.Core.Tests.Engines;

public class ProductThreadsTests
{
    private static readonly MinibatchPlan Plan = MinibatchPlan.Training(4, 2, new RuleApplication(LearningRule.Vf, 0.5f, false, 0f));

    [Fact]
    public void ANetworkWithNothingToSplit_GetsOneThreadWithoutMeasuring()
    {
        var choice = ProductThreads.Choose(new NetworkSpec([784, 32, 10]), 20, Plan);
        Assert.Equal(1, choice.Threads);
        Assert.True(double.IsNaN(choice.MeasuredSpeedup));
        Assert.Contains("1 thread:", choice.Describe());
    }

    [Fact]
    public void AWideNetwork_IsMeasured_AndTwoThreadsOnlyWithTheRequiredSpeedup()
    {
        var choice = ProductThreads.Choose(new NetworkSpec([784, 256, 10]), 20, Plan);
        if (Environment.ProcessorCount < 2)
        {
            Assert.Equal(1, choice.Threads);
            return;
        }
        Assert.True(choice.MeasuredSpeedup > 0 && double.IsFinite(choice.MeasuredSpeedup), choice.Reason);
        Assert.Equal(choice.MeasuredSpeedup >= ProductThreads.RequiredSpeedup ? 2 : 1, choice.Threads);
        Assert.Contains("needed", choice.Reason);
    }
}

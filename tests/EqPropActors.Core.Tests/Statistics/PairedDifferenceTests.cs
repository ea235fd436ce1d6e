using EqPropActors.Core.Statistics;

namespace EqPropActors.Core.Tests.Statistics;

public sealed class PairedDifferenceTests
{
    private const double T975With4 = 2.7764451;

    // Seeds differ a lot from each other (±2 points) but the condition is consistently ~0.5 above the baseline.
    private static readonly Dictionary<int, double> Baseline = new() { [1] = 10.0, [2] = 12.0, [3] = 14.0, [4] = 11.0, [5] = 13.0 };
    private static readonly Dictionary<int, double> Condition = new() { [1] = 10.5, [2] = 12.6, [3] = 14.4, [4] = 11.5, [5] = 13.55 };

    [Fact]
    public void Of_FindsADifferenceThatTheUnpairedIntervalsCannotShow()
    {
        var baseline = SampleSummary.Of(Baseline.Values.ToArray());
        var condition = SampleSummary.Of(Condition.Values.ToArray());

        var difference = PairedDifference.Of(Condition, Baseline);

        Assert.True(condition.CiLow < baseline.CiHigh && baseline.CiLow < condition.CiHigh, "the unpaired intervals should overlap");
        Assert.True(difference.CiLow > 0, $"the paired interval should exclude 0 but is [{difference.CiLow}, {difference.CiHigh}]");
        Assert.True(difference.CiExcludesZero);
    }

    [Fact]
    public void Of_IsTheHandComputedSummaryOfTheSeedBySeedDifferences()
    {
        double[] differences = [0.5, 0.6, 0.4, 0.5, 0.55];
        double mean = 0;
        foreach (double d in differences)
            mean += d / differences.Length;
        double squares = 0;
        foreach (double d in differences)
            squares += (d - mean) * (d - mean);
        double halfWidth = T975With4 * Math.Sqrt(squares / 4) / Math.Sqrt(5);

        var difference = PairedDifference.Of(Condition, Baseline);

        Assert.Equal(5, difference.N);
        Assert.Equal(mean, difference.Mean, precision: 10);
        Assert.Equal(mean - halfWidth, difference.CiLow, precision: 6);
        Assert.Equal(mean + halfWidth, difference.CiHigh, precision: 6);
    }

    [Fact]
    public void Of_IgnoresSeedsPresentOnOneSideOnly()
    {
        var condition = new Dictionary<int, double>(Condition) { [6] = 99.0 };
        var baseline = new Dictionary<int, double>(Baseline) { [7] = -99.0 };

        var withExtras = PairedDifference.Of(condition, baseline);
        var withoutExtras = PairedDifference.Of(Condition, Baseline);

        Assert.Equal(5, withExtras.N);
        Assert.Equal(withoutExtras, withExtras);
    }

    [Fact]
    public void Of_NoCommonSeeds_HasNoPairs()
    {
        var difference = PairedDifference.Of(new Dictionary<int, double> { [1] = 0.2 }, new Dictionary<int, double> { [2] = 0.1 });

        Assert.Equal(0, difference.N);
        Assert.True(double.IsNaN(difference.Mean));
    }
}

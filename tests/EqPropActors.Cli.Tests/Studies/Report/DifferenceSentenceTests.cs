using EqPropActors.Cli.Studies.Report;
using EqPropActors.Core.Statistics;

namespace EqPropActors.Cli.Tests.Studies.Report;

public sealed class DifferenceSentenceTests
{
    [Fact]
    public void AnIntervalAboveZero_IsADifferenceInPercentagePoints()
    {
        var difference = new SampleSummary(5, 0.0031, 0.002, 0.0010, 0.0052);

        Assert.Equal("delay-4 differs from the baseline by +0.31 pp (95 % CI +0.10 to +0.52 pp).",
            ReportMarkdown.DifferenceSentence("delay-4", MetricUnit.Percent, difference));
    }

    [Fact]
    public void AnIntervalAcrossZero_IsNoDifferenceDetectedWithARealMinusSign()
    {
        var difference = new SampleSummary(5, 0.0005, 0.002, -0.002, 0.003);

        Assert.Equal("delay-1: no difference from the baseline detected (95 % CI −0.20 to +0.30 pp).",
            ReportMarkdown.DifferenceSentence("delay-1", MetricUnit.Percent, difference));
    }

    [Fact]
    public void AnglesAreInDegreesWithOneDecimal()
    {
        var difference = new SampleSummary(5, -4.26, 1.0, -5.55, -2.97);

        Assert.Equal("delay-4 differs from the baseline by −4.3° (95 % CI −5.6 to −3.0°).",
            ReportMarkdown.DifferenceSentence("delay-4", MetricUnit.Degrees, difference));
    }

    [Fact]
    public void OnePairedSeed_SaysNoIntervalCanBeComputed()
    {
        var difference = new SampleSummary(1, 0.004, double.NaN, double.NaN, double.NaN);

        Assert.Equal("delay-4: 1 seed(s) paired with the baseline, fewer than 2, so no interval can be computed.",
            ReportMarkdown.DifferenceSentence("delay-4", MetricUnit.Percent, difference));
    }

    [Theory]
    [InlineData("test_error", "15.46 %")]
    [InlineData("val_error", "15.46 %")]
    [InlineData("weight_angle_pair2_deg", "0.2°")]
    [InlineData("one_sided_angle_pair1_deg", "0.2°")]
    [InlineData("free_steps", "0.2 steps")]
    [InlineData("seconds", "0.1546")]
    public void MetricUnit_FollowsTheMetricsName(string metric, string shown)
    {
        Assert.Equal(shown, MetricUnit.For(metric).Value(0.1546));
    }
}

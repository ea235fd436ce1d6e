using EqPropActors.Core.Statistics;

namespace EqPropActors.Core.Tests.Statistics;

public sealed class SampleSummaryTests
{
    // Student's t quantiles from printed tables (independent of MathNet).
    private const double T975With1 = 12.7062047;
    private const double T975With4 = 2.7764451;
    private const double T975With9 = 2.2621572;

    [Theory]
    [InlineData(1, T975With1)]
    [InlineData(4, T975With4)]
    [InlineData(9, T975With9)]
    public void TQuantile_MatchesTheTabulatedTwoSided95PercentValue(int degreesOfFreedom, double tabulated)
    {
        Assert.Equal(tabulated, SampleSummary.TQuantile(0.975, degreesOfFreedom), precision: 6);
    }

    [Fact]
    public void Of_FiveSeeds_GivesTheHandComputedMeanSampleStdAndTInterval()
    {
        // Five seeds of one condition, one of them far off (outliers stay in).
        double[] testErrors = [15.2, 15.5, 15.3, 15.7, 25.1];
        double sum = 0;
        foreach (double value in testErrors)
            sum += value;
        double mean = sum / testErrors.Length;
        double squares = 0;
        foreach (double value in testErrors)
            squares += (value - mean) * (value - mean);
        double std = Math.Sqrt(squares / (testErrors.Length - 1));
        double halfWidth = T975With4 * std / Math.Sqrt(testErrors.Length);

        var summary = SampleSummary.Of(testErrors);

        Assert.Equal(5, summary.N);
        Assert.Equal(mean, summary.Mean, precision: 12);
        Assert.Equal(std, summary.StandardDeviation, precision: 12);
        Assert.Equal(mean - halfWidth, summary.CiLow, precision: 6);
        Assert.Equal(mean + halfWidth, summary.CiHigh, precision: 6);
        // The numbers themselves, so a wrong hand computation above cannot hide a wrong implementation.
        Assert.Equal(17.36, summary.Mean, precision: 10);
        Assert.Equal(4.3310507, summary.StandardDeviation, precision: 6);
    }

    [Fact]
    public void Of_TwoValues_UsesTheQuantileWithOneDegreeOfFreedom()
    {
        var summary = SampleSummary.Of([0.0, 1.0]);

        // s = 1/√2, s/√n = 1/2.
        Assert.Equal(0.5 - T975With1 / 2, summary.CiLow, precision: 6);
        Assert.Equal(0.5 + T975With1 / 2, summary.CiHigh, precision: 6);
    }

    [Fact]
    public void Of_TenValuesAt90PercentConfidence_UsesTheMatchingQuantile()
    {
        double[] values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        const double t95With9 = 1.8331129; // one-sided 95 % = two-sided 90 %

        var summary = SampleSummary.Of(values, confidence: 0.90);

        double halfWidth = t95With9 * summary.StandardDeviation / Math.Sqrt(10);
        Assert.Equal(5.5 - halfWidth, summary.CiLow, precision: 6);
    }

    [Fact]
    public void Of_OneValue_HasAMeanButNoSpreadOrInterval()
    {
        var summary = SampleSummary.Of([0.1546]);

        Assert.Equal(1, summary.N);
        Assert.Equal(0.1546, summary.Mean);
        Assert.True(double.IsNaN(summary.StandardDeviation));
        Assert.True(double.IsNaN(summary.CiLow));
        Assert.True(double.IsNaN(summary.CiHigh));
        Assert.False(summary.CiExcludesZero);
    }

    [Fact]
    public void Of_NoValues_IsAllNaNWithNZero()
    {
        var summary = SampleSummary.Of([]);

        Assert.Equal(0, summary.N);
        Assert.True(double.IsNaN(summary.Mean));
        Assert.True(double.IsNaN(summary.StandardDeviation));
        Assert.True(double.IsNaN(summary.CiLow));
        Assert.True(double.IsNaN(summary.CiHigh));
    }

    [Fact]
    public void Of_RefusesANaNValue()
    {
        var thrown = Assert.Throws<ArgumentException>(() => SampleSummary.Of([0.15, double.NaN, 0.16]));

        Assert.Contains("Value 1 is NaN", thrown.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(95.0)]
    public void Of_RefusesAConfidenceOutsideZeroToOne(double confidence)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleSummary.Of([1.0, 2.0], confidence));
    }
}

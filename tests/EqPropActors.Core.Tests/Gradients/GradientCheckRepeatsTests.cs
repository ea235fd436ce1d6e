using EqPropActors.Core.Data;
using EqPropActors.Core.Gradients;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Tests.Gradients;

/// <summary>
/// The gradient check over several minibatches (repeat r on training samples [r·B, (r+1)·B)) and at given weights:
/// each repeat is exactly a one-minibatch check on its own samples, and the rows are their plain mean and spread.
/// </summary>
public sealed class GradientCheckRepeatsTests
{
    private const int BatchSize = 5;
    private static readonly Dataset Data = SyntheticDataset.Generate(trainCount: 16, testCount: 10).Train;

    private static GradientCheckSettings Settings(int repeats, params double[] angles) => new()
    {
        Layers = [784, 16, 10],
        Rules = [LearningRule.Vf],
        InitAnglesDegrees = angles,
        FreeSteps = 200,
        NudgedSteps = 200,
        BatchSize = BatchSize,
        Repeats = repeats,
    };

    /// <summary>Training samples [first, first + count) as a data set of their own, so its first minibatch is theirs.</summary>
    private static Dataset Samples(Dataset data, int first, int count) => new($"{data.Name} [{first}, {first + count})",
        data.Pixels.Slice(first * data.FeatureCount, count * data.FeatureCount), data.Labels.Slice(first, count), data.FeatureCount, data.ClassCount);

    [Fact]
    public void EachRepeatIsTheOneMinibatchCheckOnItsShiftedSamples()
    {
        var measured = GradientCheck.Measure(Settings(3, 0, 90), Data);
        Assert.Equal(2 * 3 * 2, measured.Count); // angles × repeats × layer pairs
        for (int repeat = 0; repeat < 3; repeat++)
        {
            var alone = GradientCheck.Measure(Settings(1, 0, 90), Samples(Data, repeat * BatchSize, BatchSize));
            var mine = measured.Where(m => m.Repeat == repeat).ToArray();
            Assert.Equal(alone.Count, mine.Length);
            foreach (var (expected, actual) in alone.Zip(mine))
            {
                Assert.Equal((expected.InitAngleDeg, expected.Layer), (actual.InitAngleDeg, actual.Layer));
                Assert.Equal(expected.OneSidedAngleDeg, actual.OneSidedAngleDeg, 1e-12);
                Assert.Equal(expected.CenteredAngleDeg, actual.CenteredAngleDeg, 1e-12);
                Assert.Equal(expected.TheoryAngleDeg, actual.TheoryAngleDeg, 1e-12);
            }
        }
        // Different minibatches give different angles: the repeats really moved on through the training set.
        Assert.NotEqual(measured.Single(m => m.Repeat == 0 && m.InitAngleDeg == 90 && m.Layer == 1).OneSidedAngleDeg,
            measured.Single(m => m.Repeat == 1 && m.InitAngleDeg == 90 && m.Layer == 1).OneSidedAngleDeg);
    }

    [Fact]
    public void RowsAreTheMeanAndSampleStandardDeviationOfTheRepeats()
    {
        var measured = GradientCheck.Measure(Settings(3, 90), Data);
        foreach (bool thirdPhase in new[] { false, true })
        {
            var rows = GradientCheckSummary.Summarize(measured, thirdPhase);
            Assert.Equal(2, rows.Count);
            foreach (var row in rows)
            {
                var repeats = measured.Where(m => m.Layer == row.Layer).ToArray();
                Assert.Equal(3, row.Repeats);
                Assert.Equal(90, row.InitAngleDeg);
                AssertMeanAndSpread(repeats.Select(m => m.OneSidedAngleDeg).ToArray(), row.OneSidedAngleDeg, row.OneSidedAngleStdDeg);
                AssertMeanAndSpread(repeats.Select(m => m.CenteredAngleDeg).ToArray(), row.CenteredAngleDeg, row.CenteredAngleStdDeg);
                AssertMeanAndSpread(repeats.Select(m => m.TheoryAngleDeg).ToArray(), row.TheoryAngleDeg, null);
                Assert.Equal(repeats.Max(m => m.FreeResidual), row.FreeResidual);
                Assert.Equal(thirdPhase ? "centered" : "one-sided", row.TrainedEstimator);
                Assert.Equal(thirdPhase ? row.CenteredAngleDeg : row.OneSidedAngleDeg, row.TrainedAngleDeg);
                Assert.Equal(thirdPhase ? row.CenteredAngleStdDeg : row.OneSidedAngleStdDeg, row.TrainedAngleStdDeg);
            }
        }
    }

    /// <summary>Compares with a plain loop: mean Σx/n and the sample standard deviation √(Σ(x − mean)²/(n − 1)).</summary>
    private static void AssertMeanAndSpread(double[] values, double mean, double? standardDeviation)
    {
        double sum = 0;
        foreach (double value in values)
            sum += value;
        double expectedMean = sum / values.Length;
        double squares = 0;
        foreach (double value in values)
            squares += (value - expectedMean) * (value - expectedMean);
        Assert.Equal(expectedMean, mean, 1e-12);
        if (standardDeviation is { } spread)
        {
            Assert.Equal(Math.Sqrt(squares / (values.Length - 1)), spread, 1e-12);
            Assert.True(spread > 0, "three different minibatches should not give three identical angles");
        }
    }

    [Fact]
    public void OneRepeatHasNoSpread()
    {
        var row = GradientCheck.Run(Settings(1, 90), Data)[0];
        Assert.Equal(1, row.Repeats);
        Assert.Null(row.OneSidedAngleStdDeg);
        Assert.Null(row.CenteredAngleStdDeg);
        Assert.Null(row.TrainedAngleStdDeg);
    }

    [Fact]
    public void GivenWeightsAreMeasuredInsteadOfTheSeededOnes()
    {
        var settings = Settings(2, 45);
        var seeded = GradientCheck.Measure(settings, Data);
        var given = GradientCheck.Measure(settings with { Weights = WeightInitializer.Create(settings.Layers, 45, settings.Seed), InitAnglesDegrees = [0, 90] }, Data);
        Assert.Equal(seeded.Count, given.Count);
        Assert.All(given, m => Assert.Null(m.InitAngleDeg));
        foreach (var (expected, actual) in seeded.Zip(given))
            Assert.Equal(expected with { InitAngleDeg = null }, actual);
    }

    [Fact]
    public void SymmetricEpRefusesUntiedWeights()
    {
        var untied = WeightInitializer.Create([784, 16, 10], 30, seed: 1);
        var error = Assert.Throws<ArgumentException>(() =>
            GradientCheck.Measure(Settings(1) with { Rules = [LearningRule.Ep], Weights = untied }, Data));
        Assert.Contains("Wfb1 is not the transpose of Wff2", error.Message);
        Assert.Null(GradientCheck.FirstUntiedFeedback(WeightInitializer.Create([784, 16, 10], 0, seed: 1)));
    }

    [Theory]
    [InlineData(0, BatchSize, "--repeats must be at least 1")]
    [InlineData(4, BatchSize, "--repeats 4 × --batch-size 5 needs 20 training samples, but data set 'synthetic train' has 16")]
    [InlineData(1, 0, "--batch-size must be at least 1")]
    public void RefusesMinibatchesTheDataCannotFill(int repeats, int batchSize, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => GradientCheck.Measure(Settings(repeats, 0) with { BatchSize = batchSize }, Data));
        Assert.Contains(message, error.Message);
    }
}

using MathNet.Numerics.Statistics;

namespace EqPropActors.Core.Gradients;

/// <summary>Folds the per-minibatch measurements of a gradient check into one row per rule, starting point and layer pair.</summary>
public static class GradientCheckSummary
{
    public const string OneSided = "one-sided";
    public const string Centered = "centered";

    /// <summary>The estimator a run trains with: the centered ±β difference only when it has the third phase.</summary>
    public static string TrainedEstimator(bool thirdPhase) => thirdPhase ? Centered : OneSided;

    public static IReadOnlyList<GradientCheckRow> Summarize(IEnumerable<GradientCheckMeasurement> measurements, bool thirdPhase) =>
        measurements.GroupBy(m => (m.Rule, m.InitAngleDeg, m.Layer)).Select(group => Row(group.ToArray(), thirdPhase)).ToArray();

    private static GradientCheckRow Row(GradientCheckMeasurement[] repeats, bool thirdPhase)
    {
        var first = repeats[0];
        var (oneSided, oneSidedStd) = MeanAndSpread(repeats.Select(m => m.OneSidedAngleDeg));
        var (centered, centeredStd) = MeanAndSpread(repeats.Select(m => m.CenteredAngleDeg));
        var (trained, trainedStd) = thirdPhase ? (centered, centeredStd) : (oneSided, oneSidedStd);
        double? finiteDifference = repeats.All(m => m.FiniteDifferenceAngleDeg is null) ? null : repeats.Max(m => m.FiniteDifferenceAngleDeg);
        return new GradientCheckRow(first.Rule, first.InitAngleDeg, first.Layer, repeats.Length,
            oneSided, oneSidedStd, centered, centeredStd, repeats.Average(m => m.TheoryAngleDeg),
            TrainedEstimator(thirdPhase), trained, trainedStd, finiteDifference, repeats.Max(m => m.FreeResidual), first.TheoryBasis);
    }

    /// <summary>Mean and sample standard deviation (n − 1); one value has no spread, which is null rather than 0 or NaN.</summary>
    private static (double Mean, double? StandardDeviation) MeanAndSpread(IEnumerable<double> values)
    {
        double[] array = values.ToArray();
        return (array.Mean(), array.Length > 1 ? array.StandardDeviation() : null);
    }
}

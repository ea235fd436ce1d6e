using MathNet.Numerics.Distributions;

namespace EqPropActors.Core.Statistics;

/// <summary>
/// Mean, sample standard deviation (n − 1) and the Student's t confidence interval of the mean over a set of values,
/// one per seed (docs/science.md: "Report spread"). With one value there is no spread, so the standard deviation and
/// the interval are NaN; with none, everything but <see cref="N"/> is NaN.
/// </summary>
public sealed record SampleSummary(int N, double Mean, double StandardDeviation, double CiLow, double CiHigh)
{
    public static SampleSummary Of(IReadOnlyList<double> values, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!(confidence > 0 && confidence < 1))
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence level must lie strictly between 0 and 1.");
        // A NaN is a missing or broken measurement; averaging it in would turn every figure into NaN without saying why.
        for (int i = 0; i < values.Count; i++)
        {
            if (double.IsNaN(values[i]))
                throw new ArgumentException($"Value {i} is NaN; leave missing values out and count them instead.", nameof(values));
        }

        int n = values.Count;
        if (n == 0)
            return new SampleSummary(0, double.NaN, double.NaN, double.NaN, double.NaN);
        double mean = values.Average();
        if (n == 1)
            return new SampleSummary(1, mean, double.NaN, double.NaN, double.NaN);

        double sumOfSquares = values.Sum(v => (v - mean) * (v - mean));
        double standardDeviation = Math.Sqrt(sumOfSquares / (n - 1));
        double halfWidth = TQuantile((1 + confidence) / 2, n - 1) * standardDeviation / Math.Sqrt(n);
        return new SampleSummary(n, mean, standardDeviation, mean - halfWidth, mean + halfWidth);
    }

    /// <summary>The p-quantile of Student's t distribution with the given degrees of freedom.</summary>
    public static double TQuantile(double p, int degreesOfFreedom) => StudentT.InvCDF(0, 1, degreesOfFreedom, p);

    /// <summary>Whether the interval exists (n ≥ 2) and lies entirely on one side of zero.</summary>
    public bool CiExcludesZero => !double.IsNaN(CiLow) && (CiLow > 0 || CiHigh < 0);
}

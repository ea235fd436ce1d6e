namespace EqPropActors.Cli.Tests.Studies.Report;

/// <summary>
/// Mean, sample standard deviation and the 95 % t half-width, written out as plain loops with Student's t quantiles
/// from printed tables, so that the report's statistics are checked against a computation independent of the code
/// under test (and of MathNet).
/// </summary>
public static class PlainStatistics
{
    public static (double Mean, double Std, double HalfWidth) Summary(double[] values)
    {
        double sum = 0;
        foreach (double value in values)
            sum += value;
        double mean = sum / values.Length;
        double squares = 0;
        foreach (double value in values)
            squares += (value - mean) * (value - mean);
        double std = Math.Sqrt(squares / (values.Length - 1));
        return (mean, std, T975(values.Length - 1) * std / Math.Sqrt(values.Length));
    }

    /// <summary>The 97.5 % quantile of Student's t with <paramref name="degreesOfFreedom"/>.</summary>
    private static double T975(int degreesOfFreedom) => degreesOfFreedom switch
    {
        1 => 12.7062047,
        2 => 4.30265273,
        3 => 3.1824463,
        4 => 2.7764451,
        _ => throw new ArgumentException($"the synthetic studies have 2 to 5 values per sample, not {degreesOfFreedom + 1}"),
    };
}

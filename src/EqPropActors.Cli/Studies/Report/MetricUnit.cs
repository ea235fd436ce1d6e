using System.Globalization;

namespace EqPropActors.Cli.Studies.Report;

/// <summary>
/// How a metric is shown: error rates (stored as fractions) in percent with 2 decimals and their differences in
/// percentage points; angles in degrees with 1 decimal; mean steps per phase with 1 decimal; anything else as stored. Negative numbers get a real minus sign.
/// </summary>
public sealed record MetricUnit(double Scale, int Decimals, string ValueSuffix, string DifferenceSuffix, string AxisUnit)
{
    public static readonly MetricUnit Percent = new(100, 2, " %", " pp", "%");
    public static readonly MetricUnit Degrees = new(1, 1, "°", "°", "degrees");
    public static readonly MetricUnit Steps = new(1, 1, " steps", " steps", "steps");
    public static readonly MetricUnit Plain = new(1, 4, "", "", "");

    public static MetricUnit For(string metric) =>
        metric.EndsWith("error", StringComparison.Ordinal) ? Percent
        : metric.Contains("angle", StringComparison.Ordinal) || metric.EndsWith("_deg", StringComparison.Ordinal) ? Degrees
        : metric.EndsWith("_steps", StringComparison.Ordinal) ? Steps
        : Plain;

    public string Value(double value) => Number(value * Scale, signed: false) + ValueSuffix;

    public string Difference(double difference) => Number(difference * Scale, signed: true) + DifferenceSuffix;

    public string Interval(double low, double high, bool signed) =>
        $"{Number(low * Scale, signed)} to {Number(high * Scale, signed)}{(signed ? DifferenceSuffix : ValueSuffix)}";

    private string Number(double value, bool signed)
    {
        // Rounded first, so that -0.001 shown with 2 decimals is "0.00", not "−0.00".
        double rounded = Math.Round(value, Decimals, MidpointRounding.AwayFromZero);
        string digits = Math.Abs(rounded).ToString("F" + Decimals, CultureInfo.InvariantCulture);
        return rounded < 0 ? "−" + digits : signed && rounded > 0 ? "+" + digits : digits;
    }
}

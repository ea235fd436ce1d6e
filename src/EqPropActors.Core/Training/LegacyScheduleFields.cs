using System.Globalization;

namespace EqPropActors.Core.Training;

/// <summary>
/// Async-schedule fields of config.json files written before delays became times: "delay-steps" and "jitter" (in
/// steps) and "rate-spread" (groups skipping ticks). A zero is what every sync run wrote, and means nothing; any other
/// value described a run this version cannot repeat as it was, so it is refused with the field to write instead.
/// </summary>
public static class LegacyScheduleFields
{
    public const string DelaySteps = "delay-steps";
    public const string JitterSteps = "jitter";
    public const string RateSpread = "rate-spread";

    public static IReadOnlySet<string> Keys { get; } = new HashSet<string>(StringComparer.Ordinal) { DelaySteps, JitterSteps, RateSpread };

    /// <summary>Throws a <see cref="ConfigurationException"/> naming the first nonzero legacy field, its value and its
    /// replacement (converted with the run's <paramref name="dt"/>).</summary>
    public static void Reject(double delaySteps, double jitterSteps, double rateSpread, double dt)
    {
        if (delaySteps != 0)
            throw new ConfigurationException(StepsProblem(DelaySteps, delaySteps, "delays are", "delay", dt));
        if (jitterSteps != 0)
            throw new ConfigurationException(StepsProblem(JitterSteps, jitterSteps, "jitter is", "jitter-tau", dt));
        if (rateSpread != 0)
            throw new ConfigurationException(
                $"'{RateSpread}': {Format(rateSpread)} is from an older version, in which slow groups skipped ticks; groups now differ " +
                $"in their time constant τ instead: write \"tau-spread\": " + (rateSpread is > 0 and < 1
                    ? $"{Format(rateSpread / (1 - rateSpread))} (speeds down to 1 − {Format(rateSpread)} are time constants up to 1/(1 − {Format(rateSpread)}))"
                    : "S, for time constants from 1 to 1 + S"));
    }

    /// <summary>The same check for a field as it stands in a file: <paramref name="key"/> and its value.</summary>
    public static void Reject(string key, double value, double dt) =>
        Reject(key == DelaySteps ? value : 0, key == JitterSteps ? value : 0, key == RateSpread ? value : 0, dt);

    private static string StepsProblem(string field, double steps, string what, string replacement, double dt) =>
        $"'{field}': {Format(steps)} is from an older version; {what} now in units of τ: " +
        $"write \"{replacement}\": {Format(steps * dt)} ({Format(steps)} × dt {Format(dt)})";

    // dt is a float: 0.1f printed as a double would read 0.10000000149011612.
    private static string Format(double value) => ((float)value).ToString("R", CultureInfo.InvariantCulture);
}

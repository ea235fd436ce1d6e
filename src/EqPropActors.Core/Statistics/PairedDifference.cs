namespace EqPropActors.Core.Statistics;

/// <summary>
/// Condition − baseline, seed by seed, summarized like any sample. Pairing removes what a seed shares between conditions
/// (initial weights, minibatch order), so a difference can be clear although the two conditions' own intervals overlap.
/// </summary>
public static class PairedDifference
{
    /// <summary>
    /// Keys are seeds. Seeds present on one side only have no partner and are left out (the summary's N says how many
    /// pairs remained).
    /// </summary>
    public static SampleSummary Of(
        IReadOnlyDictionary<int, double> condition,
        IReadOnlyDictionary<int, double> baseline,
        double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(baseline);
        var differences = condition.Keys
            .Where(baseline.ContainsKey)
            .Order()
            .Select(seed => condition[seed] - baseline[seed])
            .ToArray();
        return SampleSummary.Of(differences, confidence);
    }
}

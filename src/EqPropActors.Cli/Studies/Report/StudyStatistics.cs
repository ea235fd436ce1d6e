using EqPropActors.Core.Statistics;

namespace EqPropActors.Cli.Studies.Report;

/// <summary>One condition's figures for one metric. <see cref="Difference"/> is null for the baseline itself and when the
/// study has no baseline runs.</summary>
public sealed record MetricSummary(
    string Condition,
    string Metric,
    int Completed,
    int Diverged,
    int Failed,
    SampleSummary Statistics,
    SampleSummary? Difference);

/// <summary>
/// The statistics of a study over seeds (docs/science.md). Only completed runs contribute values: a diverged run's errors
/// describe the divergence, not the condition's accuracy, so it is counted (and listed in the report) instead; failed,
/// interrupted and pending runs have no final figures. Differences are paired by seed with the baseline.
/// </summary>
public sealed class StudyStatistics
{
    private StudyStatistics(IReadOnlyList<string> conditions, string baseline, IReadOnlyList<string> mainMetrics, IReadOnlyList<MetricSummary> rows)
        => (Conditions, Baseline, MainMetrics, Rows) = (conditions, baseline, mainMetrics, rows);

    /// <summary>Spec order, then any condition that only runs.csv names.</summary>
    public IReadOnlyList<string> Conditions { get; }

    public string Baseline { get; }

    /// <summary>test_error, val_error, every angle metric and the gradient probe's Jacobian asymmetry that have at least
    /// one value, in that order, then the costs that differ between runs.</summary>
    public IReadOnlyList<string> MainMetrics { get; }

    /// <summary>Condition by condition, each with every metric of runs.csv in column order.</summary>
    public IReadOnlyList<MetricSummary> Rows { get; }

    public MetricSummary Row(string condition, string metric) => Rows.Single(r => r.Condition == condition && r.Metric == metric);

    /// <summary>Seed → value of the completed runs of a condition that have a value for the metric.</summary>
    public static Dictionary<int, double> CompletedValues(StudyRunsTable table, string condition, string metric) =>
        table.Runs.Where(r => r.Condition == condition && r.Status == StudyRunStatus.Completed && r.Metrics.ContainsKey(metric))
            .ToDictionary(r => r.Seed, r => r.Metrics[metric]);

    public static StudyStatistics Compute(StudyRunsTable table, IReadOnlyList<string> conditionOrder, string baseline)
    {
        var conditions = conditionOrder.Concat(table.Runs.Select(r => r.Condition)).Distinct().ToArray();
        bool hasBaseline = table.Runs.Any(r => r.Condition == baseline);
        var rows = new List<MetricSummary>();
        foreach (var condition in conditions)
        {
            var runs = table.Runs.Where(r => r.Condition == condition).ToArray();
            foreach (var metric in table.MetricNames)
            {
                var values = CompletedValues(table, condition, metric);
                SampleSummary? difference = hasBaseline && condition != baseline
                    ? PairedDifference.Of(values, CompletedValues(table, baseline, metric))
                    : null;
                rows.Add(new MetricSummary(condition, metric,
                    runs.Count(r => r.Status == StudyRunStatus.Completed),
                    runs.Count(r => r.Status == StudyRunStatus.Diverged),
                    runs.Count(r => r.Status == StudyRunStatus.Failed),
                    SampleSummary.Of(values.OrderBy(p => p.Key).Select(p => p.Value).ToArray()),
                    difference));
            }
        }
        var mainMetrics = new[] { "test_error", "val_error" }
            .Concat(table.MetricNames.Where(IsAngle))
            // The gradient probe's Jacobian asymmetry goes with its angles: it is where Theorem 1's gap comes from.
            .Append(ProbeColumns.JacobianAsymmetry)
            .Where(m => table.MetricNames.Contains(m) && table.Runs.Any(r => r.Status == StudyRunStatus.Completed && r.Metrics.ContainsKey(m)))
            // The steps a phase took are worth a table only where they differ (where a condition lets phases end when
            // settled); so are the async schedule's costs and imperfections: what accuracy costs in communication.
            .Concat(MetricsShownWhereTheyDiffer.Where(m => table.MetricNames.Contains(m) && CompletedRunsDiffer(table, m)))
            .ToArray();
        return new StudyStatistics(conditions, baseline, mainMetrics, rows);
    }

    private static readonly string[] MetricsShownWhereTheyDiffer =
        ["free_steps", "nudged_steps", "messages", "bytes", "staleness", "lost_messages", "fresh_residual", "stale_ended_phases"];

    private static bool CompletedRunsDiffer(StudyRunsTable table, string metric) =>
        table.Runs.Where(r => r.Status == StudyRunStatus.Completed && r.Metrics.ContainsKey(metric)).Select(r => r.Metrics[metric]).Distinct().Count() > 1;

    private static bool IsAngle(string metric) => metric.Contains("_angle_", StringComparison.Ordinal);
}

using EqPropActors.Cli.Reporting;

namespace EqPropActors.Cli.Studies.Report;

/// <summary>A written plot: its caption and its path relative to the study folder (with '/', as Markdown links need).</summary>
public sealed record ReportPlot(string Caption, string RelativePath);

/// <summary>The plots of a report, by section. <see cref="GradientProbe"/> is empty unless some run probed the gradient.</summary>
public sealed record ReportPlots(
    IReadOnlyDictionary<string, ReportPlot> ByMetric,
    IReadOnlyList<ReportPlot> LearningCurves,
    IReadOnlyList<ReportPlot> Alignment,
    IReadOnlyList<ReportPlot> GradientProbe);

/// <summary>Writes the study's PNG plots under plots/: each main metric by condition, the learning curves, the
/// alignment of the forward and feedback weights per layer pair and, for runs with --probe-gradient-every, the angle
/// between the trained update and the true gradient per layer pair and the Jacobian's asymmetry at the probed epochs.</summary>
public static class StudyPlots
{
    public const string Folder = "plots";

    private const string BandNote = "mean over completed seeds, band: 95 % CI";

    public static ReportPlots Write(string studyDirectory, StudyReportContext context, StudyRunsTable table, StudyStatistics statistics, EpochCurves curves)
    {
        Directory.CreateDirectory(Path.Combine(studyDirectory, Folder));
        string Save(string fileName) => Path.Combine(studyDirectory, Folder, fileName);

        var byMetric = new Dictionary<string, ReportPlot>();
        foreach (var metric in statistics.MainMetrics)
        {
            var unit = MetricUnit.For(metric);
            string fileName = $"{metric}_by_condition.png";
            var points = statistics.Conditions.Select(c => new ConditionPoints(c,
                statistics.Row(c, metric).Statistics,
                StudyStatistics.CompletedValues(table, c, metric).OrderBy(p => p.Key).Select(p => p.Value).ToArray(),
                table.Runs.Where(r => r.Condition == c && r.Status == StudyRunStatus.Diverged && r.Metrics.ContainsKey(metric))
                    .Select(r => r.Metrics[metric]).ToArray(),
                table.Runs.Count(r => r.Condition == c && r.Status == StudyRunStatus.Diverged))).ToArray();
            double baselineMean = statistics.Conditions.Contains(statistics.Baseline)
                ? statistics.Row(statistics.Baseline, metric).Statistics.Mean
                : double.NaN;
            ConditionChart.SavePng(Save(fileName), $"{DisplayName(metric)} by condition — {context.DataDescription}",
                AxisLabel(metric, unit), unit, points, baselineMean);
            byMetric[metric] = new ReportPlot($"{DisplayName(metric)} by condition", $"{Folder}/{fileName}");
        }

        var learning = new List<ReportPlot>();
        foreach (var column in new[] { "test_error", "val_error" }.Where(curves.HasValues))
        {
            string fileName = $"learning_curves_{column}.png";
            CurveChart.SavePng(Save(fileName), $"{DisplayName(column)} per epoch — {context.DataDescription}\n{BandNote}",
                AxisLabel(column, MetricUnit.Percent), MetricUnit.Percent, CurvesOf(statistics, curves, column));
            learning.Add(new ReportPlot($"{DisplayName(column)} per epoch", $"{Folder}/{fileName}"));
        }

        var alignment = new List<ReportPlot>();
        foreach (int pair in curves.AnglePairs())
        {
            string fileName = $"alignment_pair{pair}.png", name = RunPlots.SeriesName(pair);
            CurveChart.SavePng(Save(fileName), $"Angle, {name} — {context.DataDescription}\n{BandNote}",
                "angle between W_ff and W_fbᵀ (degrees)", MetricUnit.Degrees, CurvesOf(statistics, curves, $"angle_pair{pair}_deg"));
            alignment.Add(new ReportPlot($"angle per epoch, {name}", $"{Folder}/{fileName}"));
        }
        return new ReportPlots(byMetric, learning, alignment, GradientProbePlots(context, statistics, curves, Save));
    }

    private static List<ReportPlot> GradientProbePlots(StudyReportContext context, StudyStatistics statistics, EpochCurves curves,
        Func<string, string> save)
    {
        var plots = new List<ReportPlot>();
        foreach (int pair in curves.ProbeAnglePairs())
        {
            string fileName = $"probe_angle_pair{pair}.png";
            CurveChart.SavePng(save(fileName), $"Gradient angle, layer pair {pair} — {context.DataDescription}\n{BandNote}, probed epochs only",
                "angle between the trained update and the true gradient (degrees)", MetricUnit.Degrees,
                CurvesOf(statistics, curves, ProbeColumns.Angle(pair)));
            plots.Add(new ReportPlot($"gradient angle per probed epoch, layer pair {pair}", $"{Folder}/{fileName}"));
        }
        if (curves.HasValues(ProbeColumns.JacobianAsymmetry))
        {
            string fileName = $"{ProbeColumns.JacobianAsymmetry}.png";
            CurveChart.SavePng(save(fileName), $"Jacobian asymmetry at the free fixed point — {context.DataDescription}\n{BandNote}, probed epochs only",
                "‖J − Jᵀ‖ / ‖J‖", MetricUnit.Plain, CurvesOf(statistics, curves, ProbeColumns.JacobianAsymmetry));
            plots.Add(new ReportPlot("Jacobian asymmetry per probed epoch", $"{Folder}/{fileName}"));
        }
        return plots;
    }

    /// <summary>"weight_angle_pair2_deg" → "weight angle pair2".</summary>
    public static string DisplayName(string metric) =>
        (metric.EndsWith("_deg", StringComparison.Ordinal) ? metric[..^4] : metric).Replace('_', ' ');

    private static string AxisLabel(string metric, MetricUnit unit) =>
        unit.AxisUnit.Length == 0 ? DisplayName(metric) : $"{DisplayName(metric)} ({unit.AxisUnit})";

    // The colour index is the condition's place in the study, so a condition keeps its colour in every plot.
    private static List<(EpochCurve, int)> CurvesOf(StudyStatistics statistics, EpochCurves curves, string column) =>
        statistics.Conditions.Select((c, i) => (curves.Of(c, column), i)).Where(p => p.Item1.Epochs.Length > 0).ToList();
}

using System.Globalization;
using System.Text;
using EqPropActors.Core.Statistics;

namespace EqPropActors.Cli.Studies.Report;

/// <summary>
/// report.md: where and how the study ran, its spec, a table and one sentence per condition for every main metric, the
/// runs that did not complete (never silently dropped) and the plots. Sentences claim a difference only when the paired
/// 95 % CI excludes zero (docs/science.md: say what the data support and nothing more).
/// </summary>
public static class ReportMarkdown
{
    public const string FileName = "report.md";

    public static string Format(StudyReportContext context, StudyRunsTable table, StudyStatistics statistics, ReportPlots plots)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# {context.Title}\n\n");
        text.Append("| | |\n|---|---|\n");
        text.Append(CultureInfo.InvariantCulture, $"| date | {context.Date:yyyy-MM-dd HH:mm zzz} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| machine | {Cell(context.Machine)} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| version | {Cell(context.Version)} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| data | {Cell(context.DataDescription)} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| seeds | {string.Join(", ", context.Seeds)} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| baseline | {Cell(statistics.Baseline)} |\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Rerun with:\n\n```sh\n{context.Command}\n```\n\n");
        text.Append(CultureInfo.InvariantCulture, $"## Spec\n\n```toml\n{context.SpecText.TrimEnd()}\n```\n\n");
        AppendConditions(text, context, table, statistics);
        AppendRunsLeftOut(text, context, table, statistics);
        foreach (var metric in statistics.MainMetrics)
            AppendMetric(text, table, statistics, metric, plots.ByMetric.GetValueOrDefault(metric));
        AppendPlots(text, "Learning curves", plots.LearningCurves);
        AppendPlots(text, "Alignment of W_ff and W_fbᵀ", plots.Alignment);
        AppendPlots(text, "Gradient angle during training (probe-gradient-every)", plots.GradientProbe);
        return text.ToString();
    }

    /// <summary>The sentence for one condition and metric, from its paired difference to the baseline.</summary>
    public static string DifferenceSentence(string condition, MetricUnit unit, SampleSummary? difference)
    {
        if (difference is null)
            return $"{condition}: the baseline has no completed runs, so no paired difference can be computed.";
        if (difference.N < 2)
            return $"{condition}: {difference.N} seed(s) paired with the baseline, fewer than 2, so no interval can be computed.";
        string interval = $"95 % CI {unit.Interval(difference.CiLow, difference.CiHigh, signed: true)}";
        return difference.CiExcludesZero
            ? $"{condition} differs from the baseline by {unit.Difference(difference.Mean)} ({interval})."
            : $"{condition}: no difference from the baseline detected ({interval}).";
    }

    private static void AppendConditions(StringBuilder text, StudyReportContext context, StudyRunsTable table, StudyStatistics statistics)
    {
        var optionNames = table.OptionNames.Concat(context.ConditionOptions.Values.SelectMany(o => o.Keys)).Distinct().ToArray();
        text.Append("## Conditions\n\n| condition | ");
        text.AppendJoin("", optionNames.Select(o => Cell(o) + " | "));
        text.Append("completed | diverged | failed | interrupted | pending | no row |\n|---|");
        text.Append(string.Concat(Enumerable.Repeat("---|", optionNames.Length + 6))).Append('\n');
        foreach (var condition in statistics.Conditions)
        {
            var runs = table.Runs.Where(r => r.Condition == condition).ToArray();
            var options = context.ConditionOptions.GetValueOrDefault(condition) ?? runs.FirstOrDefault()?.Options;
            text.Append(CultureInfo.InvariantCulture, $"| {Cell(Named(condition, statistics))} | ");
            text.AppendJoin("", optionNames.Select(o => Cell(options?.GetValueOrDefault(o) ?? "") + " | "));
            text.AppendJoin(" | ", Enum.GetValues<StudyRunStatus>().Select(s => runs.Count(r => r.Status == s)));
            text.Append(CultureInfo.InvariantCulture, $" | {MissingSeeds(context, runs).Length} |\n");
        }
        text.Append('\n');
    }

    private static void AppendRunsLeftOut(StringBuilder text, StudyReportContext context, StudyRunsTable table, StudyStatistics statistics)
    {
        text.Append("## Runs left out of the statistics\n\n");
        text.Append("Means, intervals and differences use completed runs only. Every other run is listed here; diverged runs " +
                    "with a value appear as red crosses in the plots by condition.\n\n");
        bool any = false;
        foreach (var condition in statistics.Conditions)
        {
            var runs = table.Runs.Where(r => r.Condition == condition).ToArray();
            var parts = runs.Where(r => r.Status != StudyRunStatus.Completed).GroupBy(r => r.Status)
                .Select(g => $"{g.Key.ToString().ToLowerInvariant()}: {string.Join(", ", g.Select(Describe))}")
                .ToList();
            int[] missing = MissingSeeds(context, runs);
            if (missing.Length > 0)
                parts.Add($"no row in runs.csv: seed {string.Join(", ", missing)}");
            if (parts.Count == 0)
                continue;
            any = true;
            text.Append(CultureInfo.InvariantCulture, $"- **{condition}**: {string.Join("; ", parts)}\n");
        }
        text.Append(any ? "\n" : "None: every run completed.\n\n");
    }

    private static void AppendMetric(StringBuilder text, StudyRunsTable table, StudyStatistics statistics, string metric, ReportPlot? plot)
    {
        var unit = MetricUnit.For(metric);
        text.Append(CultureInfo.InvariantCulture, $"## {StudyPlots.DisplayName(metric)}\n\n");
        text.Append("| condition | n | mean ± std | 95 % CI | paired difference to baseline [95 % CI] |\n|---|---|---|---|---|\n");
        foreach (var condition in statistics.Conditions)
        {
            var row = statistics.Row(condition, metric);
            text.Append(CultureInfo.InvariantCulture,
                $"| {Cell(Named(condition, statistics))} | {row.Statistics.N} | {MeanAndSpread(row.Statistics, unit)} | {Interval(row.Statistics, unit)} | {DifferenceCell(condition, statistics, row.Difference, unit)} |\n");
        }
        var withoutValue = table.Runs.Where(r => r.Status == StudyRunStatus.Completed && !r.Metrics.ContainsKey(metric)).ToArray();
        if (withoutValue.Length > 0)
            text.Append(CultureInfo.InvariantCulture,
                $"\nCompleted runs without a value (not in n): {string.Join(", ", withoutValue.Select(r => $"{r.Condition} seed {r.Seed}"))}.\n");
        text.Append('\n');
        foreach (var condition in statistics.Conditions.Where(c => c != statistics.Baseline))
            text.Append("- ").Append(DifferenceSentence(condition, unit, statistics.Row(condition, metric).Difference)).Append('\n');
        if (plot is not null)
            text.Append(CultureInfo.InvariantCulture, $"\n![{plot.Caption}]({plot.RelativePath})\n");
        text.Append('\n');
    }

    private static void AppendPlots(StringBuilder text, string heading, IReadOnlyList<ReportPlot> plots)
    {
        if (plots.Count == 0)
            return;
        text.Append(CultureInfo.InvariantCulture, $"## {heading}\n\n");
        foreach (var plot in plots)
            text.Append(CultureInfo.InvariantCulture, $"![{plot.Caption}]({plot.RelativePath})\n\n");
    }

    private static string MeanAndSpread(SampleSummary s, MetricUnit unit) => s.N switch
    {
        0 => "no value",
        1 => $"{unit.Value(s.Mean)} (one run, no spread)",
        _ => $"{unit.Value(s.Mean)} ± {unit.Value(s.StandardDeviation)}",
    };

    private static string Interval(SampleSummary s, MetricUnit unit) =>
        s.N < 2 ? "none (n < 2)" : unit.Interval(s.CiLow, s.CiHigh, signed: false);

    private static string DifferenceCell(string condition, StudyStatistics statistics, SampleSummary? d, MetricUnit unit) =>
        condition == statistics.Baseline ? "(baseline)"
        : d is null ? "no baseline runs"
        : d.N == 0 ? "no paired seeds"
        : d.N == 1 ? $"{unit.Difference(d.Mean)} (1 pair, no interval)"
        : $"{unit.Difference(d.Mean)} [{unit.Interval(d.CiLow, d.CiHigh, signed: true)}] (n = {d.N})";

    private static string Describe(StudyRunRow run) => run.Reason.Length == 0 ? $"seed {run.Seed}" : $"seed {run.Seed} ({run.Reason})";

    private static int[] MissingSeeds(StudyReportContext context, StudyRunRow[] runs) =>
        context.Seeds.Where(seed => runs.All(r => r.Seed != seed)).ToArray();

    private static string Named(string condition, StudyStatistics statistics) =>
        condition == statistics.Baseline ? condition + " (baseline)" : condition;

    // A '|' would end the table cell and a line break the row.
    private static string Cell(string value) => value.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ");
}

using System.Globalization;
using System.Text;

namespace EqPropActors.Cli.Studies.Report;

/// <summary>
/// summary.csv: one row per condition and metric,
/// <c>condition,metric,n,n_completed,n_diverged,n_failed,mean,std,ci_low,ci_high,diff_mean,diff_ci_low,diff_ci_high,diff_n</c>.
/// Values in the metric's own unit (error fractions stay fractions); a figure that does not exist (NaN, or a difference
/// for the baseline) is an empty cell.
/// </summary>
public static class SummaryCsv
{
    public const string FileName = "summary.csv";

    public const string Header = "condition,metric,n,n_completed,n_diverged,n_failed,mean,std,ci_low,ci_high,diff_mean,diff_ci_low,diff_ci_high,diff_n";

    public static string Format(StudyStatistics statistics)
    {
        var text = new StringBuilder().Append(Header).Append('\n');
        foreach (var row in statistics.Rows)
        {
            var s = row.Statistics;
            var d = row.Difference;
            text.AppendJoin(',',
                CsvRecords.Escape(row.Condition), CsvRecords.Escape(row.Metric), Integer(s.N), Integer(row.Completed),
                Integer(row.Diverged), Integer(row.Failed), Number(s.Mean), Number(s.StandardDeviation), Number(s.CiLow),
                Number(s.CiHigh), Number(d?.Mean), Number(d?.CiLow), Number(d?.CiHigh), d is null ? "" : Integer(d.N));
            text.Append('\n');
        }
        return text.ToString();
    }

    private static string Integer(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(double? value) =>
        value is { } v && double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";
}

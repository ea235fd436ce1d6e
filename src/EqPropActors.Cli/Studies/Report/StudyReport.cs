using System.Text;
using EqPropActors.Core.Checkpoints;

namespace EqPropActors.Cli.Studies.Report;

/// <summary>
/// Turns a study folder into its report. The folder holds runs.csv (one row per condition and seed, see
/// <see cref="StudyRunsTable"/>) and the run folders it points at (run_dir, relative to the folder; each with a
/// metrics.csv, read by header name: epoch, train/test/val error and loss, angle_pair{k}_deg, the gradient probe's
/// probe_angle_pair{k}_deg and probe_jacobian_asymmetry). Writes summary.csv
/// (<see cref="SummaryCsv"/>), the plots under plots/ (<see cref="StudyPlots"/>) and report.md (<see cref="ReportMarkdown"/>).
/// </summary>
public static class StudyReport
{
    public static void Write(string studyDirectory, StudyReportContext context)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(studyDirectory);
        ArgumentNullException.ThrowIfNull(context);
        var table = StudyRunsTable.Read(Path.Combine(studyDirectory, StudyRunsTable.FileName));
        var statistics = StudyStatistics.Compute(table, context.ConditionOrder, context.BaselineCondition);
        AtomicFile.WriteAllBytes(Path.Combine(studyDirectory, SummaryCsv.FileName), Encoding.UTF8.GetBytes(SummaryCsv.Format(statistics)));
        var plots = StudyPlots.Write(studyDirectory, context, table, statistics, EpochCurves.Read(studyDirectory, table));
        // Last, so that the report never links to plots that were not written.
        AtomicFile.WriteAllBytes(Path.Combine(studyDirectory, ReportMarkdown.FileName),
            Encoding.UTF8.GetBytes(ReportMarkdown.Format(context, table, statistics, plots)));
    }
}

using System.Globalization;
using EqPropActors.Cli.Studies.Report;

namespace EqPropActors.Cli.Tests.Studies.Report;

public sealed class StudyReportTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly TemporaryDirectory _study = new();

    public StudyReportTests()
    {
        SyntheticStudy.Write(_study.Path);
        StudyReport.Write(_study.Path, SyntheticStudy.Context());
    }

    public void Dispose() => _study.Dispose();

    [Fact]
    public void SummaryCsv_TestErrorOfEachCondition_EqualsAPlainComputationOverItsCompletedSeeds()
    {
        var summary = ReadSummary();

        foreach (var condition in SyntheticStudy.Conditions)
        {
            var seeds = CompletedSeeds(condition);
            var expected = PlainStatistics.Summary(seeds.Select(seed => SyntheticStudy.TestError(condition, seed)).ToArray());
            var row = summary[(condition, "test_error")];
            Assert.Equal(seeds.Length.ToString(CultureInfo.InvariantCulture), row["n"]);
            Assert.Equal(expected.Mean, Number(row["mean"]), precision: 12);
            Assert.Equal(expected.Std, Number(row["std"]), precision: 12);
            Assert.Equal(expected.Mean - expected.HalfWidth, Number(row["ci_low"]), precision: 6);
            Assert.Equal(expected.Mean + expected.HalfWidth, Number(row["ci_high"]), precision: 6);
        }
    }

    [Fact]
    public void SummaryCsv_CountsTheDivergedRunAndLeavesItOutOfTheMean()
    {
        var row = ReadSummary()[(SyntheticStudy.Worse, "test_error")];

        Assert.Equal("4", row["n"]);
        Assert.Equal("4", row["n_completed"]);
        Assert.Equal("1", row["n_diverged"]);
        Assert.Equal("0", row["n_failed"]);
        Assert.True(Number(row["mean"]) < 0.2, "the diverged run's 90 % error must not be in the mean");
    }

    [Fact]
    public void SummaryCsv_PairedDifferenceOverCommonSeeds_EqualsAPlainComputation()
    {
        var summary = ReadSummary();
        int[] paired = CompletedSeeds(SyntheticStudy.Worse); // the baseline has every seed
        var expected = PlainStatistics.Summary(paired
            .Select(seed => SyntheticStudy.TestError(SyntheticStudy.Worse, seed) - SyntheticStudy.TestError(SyntheticStudy.Baseline, seed))
            .ToArray());

        var row = summary[(SyntheticStudy.Worse, "test_error")];

        Assert.Equal("4", row["diff_n"]);
        Assert.Equal(expected.Mean, Number(row["diff_mean"]), precision: 12);
        Assert.Equal(expected.Mean - expected.HalfWidth, Number(row["diff_ci_low"]), precision: 6);
        Assert.Equal(expected.Mean + expected.HalfWidth, Number(row["diff_ci_high"]), precision: 6);
        var baseline = summary[(SyntheticStudy.Baseline, "test_error")];
        Assert.Equal(["", "", "", ""], new[] { baseline["diff_mean"], baseline["diff_ci_low"], baseline["diff_ci_high"], baseline["diff_n"] });
    }

    [Fact]
    public void SummaryCsv_ACompletedRunWithoutAValue_IsNotCountedInN()
    {
        var row = ReadSummary()[(SyntheticStudy.NoiseOnly, "val_error")];

        Assert.Equal("4", row["n"]);
        Assert.Equal("5", row["n_completed"]);
        Assert.Equal("4", row["diff_n"]);
    }

    [Fact]
    public void Report_StatesTheDifferenceThatThePairedIntervalSupports()
    {
        var d = PlainStatistics.Summary(CompletedSeeds(SyntheticStudy.Worse)
            .Select(seed => SyntheticStudy.TestError(SyntheticStudy.Worse, seed) - SyntheticStudy.TestError(SyntheticStudy.Baseline, seed))
            .ToArray());

        string report = ReadReport();

        Assert.Contains(
            $"delay-4 differs from the baseline by {Pp(d.Mean)} pp (95 % CI {Pp(d.Mean - d.HalfWidth)} to {Pp(d.Mean + d.HalfWidth)} pp).",
            report);
        Assert.Equal("+1.15", Pp(d.Mean)); // the synthetic offsets, so that the plain computation is checked too
    }

    [Fact]
    public void Report_SaysNoDifferenceDetectedWhenThePairedIntervalContainsZero()
    {
        var d = PlainStatistics.Summary(SyntheticStudy.Seeds
            .Select(seed => SyntheticStudy.TestError(SyntheticStudy.NoiseOnly, seed) - SyntheticStudy.TestError(SyntheticStudy.Baseline, seed))
            .ToArray());

        string testErrorSection = Section(ReadReport(), "## test error");

        Assert.Contains($"delay-1: no difference from the baseline detected (95 % CI {Pp(d.Mean - d.HalfWidth)} to {Pp(d.Mean + d.HalfWidth)} pp).", testErrorSection);
        Assert.DoesNotContain("delay-1 differs from the baseline", testErrorSection);
    }

    [Fact]
    public void Report_ListsTheDivergedRunWithItsSeedAndReasonAndTheRunWithoutAValue()
    {
        string report = ReadReport();

        Assert.Contains($"- **delay-4**: diverged: seed {SyntheticStudy.DivergedSeed} ({SyntheticStudy.DivergedReason})", report);
        Assert.Contains($"Completed runs without a value (not in n): delay-1 seed {SyntheticStudy.SeedWithoutValError}.", report);
    }

    [Fact]
    public void Report_CarriesDateMachineVersionCommandAndSpec()
    {
        var context = SyntheticStudy.Context();

        string report = ReadReport();

        Assert.StartsWith($"# {context.Title}\n", report);
        Assert.Contains("| date | 2026-12-01 08:00 +00:00 |", report);
        Assert.Contains(context.Machine, report);
        Assert.Contains(context.Version, report);
        Assert.Contains($"```sh\n{context.Command}\n```", report);
        Assert.Contains($"```toml\n{context.SpecText.TrimEnd()}\n```", report);
    }

    [Fact]
    public void Report_TableShowsMeanStdAndIntervalInPercentWithTwoDecimals()
    {
        var s = PlainStatistics.Summary(SyntheticStudy.Seeds.Select(seed => SyntheticStudy.TestError(SyntheticStudy.Baseline, seed)).ToArray());

        string report = ReadReport();

        Assert.Contains(
            $"| sync (baseline) | 5 | {Percent(s.Mean)} % ± {Percent(s.Std)} % | {Percent(s.Mean - s.HalfWidth)} to {Percent(s.Mean + s.HalfWidth)} % | (baseline) |",
            report);
    }

    [Fact]
    public void Plots_AreWrittenAsPngAndLinkedFromTheReport()
    {
        string report = ReadReport();
        string[] expected =
        [
            "plots/test_error_by_condition.png", "plots/val_error_by_condition.png", "plots/weight_angle_pair2_deg_by_condition.png",
            "plots/learning_curves_test_error.png", "plots/learning_curves_val_error.png", "plots/alignment_pair2.png",
        ];

        foreach (var plot in expected)
        {
            var png = File.ReadAllBytes(Path.Combine(_study.Path, plot));
            Assert.Equal(PngSignature, png[..8]);
            Assert.Contains($"]({plot})", report);
        }
        Assert.Equal(expected.Length, Directory.GetFiles(Path.Combine(_study.Path, "plots")).Length);
        CopyForInspection();
    }

    [Fact]
    public void Report_NamesSeedsThatHaveNoRowInRunsCsv()
    {
        StudyReport.Write(_study.Path, SyntheticStudy.Context() with { Seeds = [1, 2, 3, 4, 5, 6] });

        string report = ReadReport();

        Assert.Contains("- **sync**: no row in runs.csv: seed 6", report);
    }

    private static int[] CompletedSeeds(string condition) =>
        SyntheticStudy.Seeds.Where(seed => condition != SyntheticStudy.Worse || seed != SyntheticStudy.DivergedSeed).ToArray();

    private static string Pp(double fraction) => (100 * fraction).ToString("+0.00;−0.00;0.00", CultureInfo.InvariantCulture);

    private static string Percent(double fraction) => (100 * fraction).ToString("0.00", CultureInfo.InvariantCulture);

    private static double Number(string cell) => double.Parse(cell, CultureInfo.InvariantCulture);

    private static string Section(string report, string heading)
    {
        int start = report.IndexOf(heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section '{heading}' in the report");
        int end = report.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
        return end < 0 ? report[start..] : report[start..end];
    }

    private string ReadReport() => File.ReadAllText(Path.Combine(_study.Path, "report.md"));

    // The synthetic names hold no commas, so splitting the test's own input is safe here.
    private Dictionary<(string Condition, string Metric), Dictionary<string, string>> ReadSummary()
    {
        var lines = File.ReadAllLines(Path.Combine(_study.Path, "summary.csv"));
        var header = lines[0].Split(',');
        Assert.Equal("condition,metric,n,n_completed,n_diverged,n_failed,mean,std,ci_low,ci_high,diff_mean,diff_ci_low,diff_ci_high,diff_n", lines[0]);
        return lines.Skip(1)
            .Select(line => header.Zip(line.Split(',')).ToDictionary(p => p.First, p => p.Second))
            .ToDictionary(row => (row["condition"], row["metric"]));
    }

    // Lets a person look at the rendered plots after a run; set EQPROP_PLOT_INSPECTION_DIR to enable.
    private void CopyForInspection()
    {
        var inspectionDirectory = Environment.GetEnvironmentVariable("EQPROP_PLOT_INSPECTION_DIR");
        if (string.IsNullOrEmpty(inspectionDirectory))
            return;
        foreach (var file in Directory.GetFiles(Path.Combine(_study.Path, "plots")))
            File.Copy(file, Path.Combine(inspectionDirectory, Path.GetFileName(file)), overwrite: true);
        File.Copy(Path.Combine(_study.Path, "report.md"), Path.Combine(inspectionDirectory, "report.md"), overwrite: true);
    }
}

using System.Globalization;
using EqPropActors.Cli.Studies.Report;

namespace EqPropActors.Cli.Tests.Studies.Report;

/// <summary>The synthetic probe study written once for all tests of <see cref="GradientProbeReportTests"/>, with and
/// without probe-gradient-every, since rendering its plots is the slow part.</summary>
public sealed class ProbeStudyFolders : IDisposable
{
    public TemporaryDirectory Probed { get; } = new();

    public TemporaryDirectory Unprobed { get; } = new();

    public ProbeStudyFolders()
    {
        SyntheticProbeStudy.Write(Probed.Path, probed: true);
        SyntheticProbeStudy.Write(Unprobed.Path, probed: false);
    }

    public void Dispose()
    {
        Probed.Dispose();
        Unprobed.Dispose();
    }
}

/// <summary>
/// A study whose runs probe the gradient during training (train --probe-gradient-every) reports the angle between the
/// trained update and the true gradient, and the Jacobian's asymmetry, like its other metrics: runs.csv at each run's
/// last probed epoch, summary.csv and report.md with means, 95 % CIs and paired differences, and plots per probed epoch.
/// </summary>
public sealed class GradientProbeReportTests(ProbeStudyFolders folders) : IClassFixture<ProbeStudyFolders>
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly string[] ProbeMetrics = ["probe_angle_pair1_deg", "probe_angle_pair2_deg", "probe_jacobian_asymmetry"];

    private static readonly string[] ProbePlots = ["plots/probe_angle_pair1.png", "plots/probe_angle_pair2.png", "plots/probe_jacobian_asymmetry.png"];

    [Fact]
    public void RunsCsv_HasEachProbeColumnAtTheLastProbedEpoch_NotAtTheLastEpochNorAnEarlierProbe()
    {
        var (header, rows) = SyntheticProbeStudy.ReadRunsCsv(folders.Probed.Path);

        Assert.Equal(SyntheticProbeStudy.Conditions.Length * SyntheticProbeStudy.Seeds.Length, rows.Length);
        foreach (var row in rows.Where(r => !FoundNoFixedPoint(r)))
        {
            string condition = row[0];
            int seed = int.Parse(row[1], CultureInfo.InvariantCulture);
            for (int pair = 1; pair <= SyntheticProbeStudy.Pairs; pair++)
                Assert.Equal(SyntheticProbeStudy.ProbeAngle(condition, seed, pair, SyntheticProbeStudy.LastProbedEpoch),
                    SyntheticProbeStudy.Number(row[Array.IndexOf(header, $"probe_angle_pair{pair}_deg")]));
            Assert.Equal(SyntheticProbeStudy.JacobianAsymmetry(condition, seed, SyntheticProbeStudy.LastProbedEpoch),
                SyntheticProbeStudy.Number(row[Array.IndexOf(header, "probe_jacobian_asymmetry")]));
        }
    }

    [Fact]
    public void RunsCsv_ARunWhoseLastProbeFoundNoFixedPoint_SaysNaN_RatherThanAnEarlierProbesValue()
    {
        var (header, rows) = SyntheticProbeStudy.ReadRunsCsv(folders.Probed.Path);

        var row = rows.Single(FoundNoFixedPoint);

        Assert.All(ProbeMetrics, metric => Assert.Equal("NaN", row[Array.IndexOf(header, metric)]));
    }

    [Fact]
    public void AStudyWithoutProbeGradientEvery_HasNoProbeColumnsPlotsOrSections()
    {
        var (header, _) = SyntheticProbeStudy.ReadRunsCsv(folders.Unprobed.Path);
        string report = File.ReadAllText(Path.Combine(folders.Unprobed.Path, "report.md"));

        Assert.DoesNotContain(header, column => column.StartsWith("probe_", StringComparison.Ordinal));
        Assert.Contains("weight_angle_pair2_deg", header); // the columns before and after the probe's are still there
        Assert.Contains("messages", header);
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(folders.Unprobed.Path, "plots")), f => Path.GetFileName(f).StartsWith("probe_", StringComparison.Ordinal));
        Assert.DoesNotContain("## probe", report);
        Assert.DoesNotContain("Gradient angle during training", report);
        Assert.DoesNotContain("plots/probe_", report);
    }

    [Theory]
    [InlineData("probe_angle_pair1_deg")]
    [InlineData("probe_angle_pair2_deg")]
    [InlineData("probe_jacobian_asymmetry")]
    public void SummaryCsv_MeanIntervalAndPairedDifference_EqualAPlainComputationOverTheSeedsWithAValue(string metric)
    {
        var summary = ReadSummary(folders.Probed.Path);

        foreach (var condition in SyntheticProbeStudy.Conditions)
        {
            int[] seeds = SeedsWithAValue(condition);
            var expected = PlainStatistics.Summary(seeds.Select(seed => ExpectedValue(metric, condition, seed)).ToArray());
            var row = summary[(condition, metric)];
            Assert.Equal(seeds.Length.ToString(CultureInfo.InvariantCulture), row["n"]);
            Assert.Equal(expected.Mean, Number(row["mean"]), precision: 12);
            Assert.Equal(expected.Std, Number(row["std"]), precision: 12);
            Assert.Equal(expected.Mean - expected.HalfWidth, Number(row["ci_low"]), precision: 6);
            Assert.Equal(expected.Mean + expected.HalfWidth, Number(row["ci_high"]), precision: 6);
        }

        int[] paired = SeedsWithAValue(SyntheticProbeStudy.Other);
        var difference = PlainStatistics.Summary(paired
            .Select(seed => ExpectedValue(metric, SyntheticProbeStudy.Other, seed) - ExpectedValue(metric, SyntheticProbeStudy.Baseline, seed))
            .ToArray());
        var other = summary[(SyntheticProbeStudy.Other, metric)];
        Assert.Equal(paired.Length.ToString(CultureInfo.InvariantCulture), other["diff_n"]);
        Assert.Equal(difference.Mean, Number(other["diff_mean"]), precision: 12);
        Assert.Equal(difference.Mean - difference.HalfWidth, Number(other["diff_ci_low"]), precision: 6);
        Assert.Equal(difference.Mean + difference.HalfWidth, Number(other["diff_ci_high"]), precision: 6);
    }

    [Fact]
    public void Report_TabulatesTheProbeAnglesInDegreesAndTheAsymmetry_NextToTheErrors()
    {
        string report = File.ReadAllText(Path.Combine(folders.Probed.Path, "report.md"));
        var baseline = PlainStatistics.Summary(SyntheticProbeStudy.Seeds
            .Select(seed => ExpectedValue("probe_angle_pair1_deg", SyntheticProbeStudy.Baseline, seed)).ToArray());
        string number(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

        Assert.Contains("## test error\n", report);
        Assert.Contains("## probe angle pair1\n", report);
        Assert.Contains("## probe angle pair2\n", report);
        Assert.Contains("## probe jacobian asymmetry\n", report);
        Assert.Contains($"| vf (baseline) | 3 | {number(baseline.Mean)}° ± {number(baseline.Std)}° | " +
                        $"{number(baseline.Mean - baseline.HalfWidth)} to {number(baseline.Mean + baseline.HalfWidth)}° | (baseline) |", report);
        Assert.Contains($"Completed runs without a value (not in n): {SyntheticProbeStudy.Other} seed {SyntheticProbeStudy.SeedWithoutFixedPoint}.", report);
    }

    [Fact]
    public void Plots_OfTheProbePerPairAndOfTheAsymmetry_AreWrittenAsPngAndLinkedFromTheReport()
    {
        string report = File.ReadAllText(Path.Combine(folders.Probed.Path, "report.md"));

        Assert.Contains("## Gradient angle during training (probe-gradient-every)\n", report);
        foreach (var plot in ProbePlots)
        {
            var png = File.ReadAllBytes(Path.Combine(folders.Probed.Path, plot));
            Assert.Equal(PngSignature, png[..8]);
            Assert.Contains($"]({plot})", report);
        }
    }

    [Fact]
    public void ProbeCurves_HaveTheProbedEpochsOnly_WithTheMeanOverSeeds()
    {
        string directory = folders.Probed.Path;
        var curves = EpochCurves.Read(directory, SyntheticStudy.Table(directory));

        Assert.Equal([1, 2], curves.ProbeAnglePairs());
        var curve = curves.Of(SyntheticProbeStudy.Baseline, "probe_angle_pair2_deg");
        Assert.Equal([2, 4], curve.Epochs);
        for (int i = 0; i < curve.Epochs.Length; i++)
        {
            var expected = PlainStatistics.Summary(SyntheticProbeStudy.Seeds
                .Select(seed => SyntheticProbeStudy.ProbeAngle(SyntheticProbeStudy.Baseline, seed, 2, curve.Epochs[i])).ToArray());
            Assert.Equal(expected.Mean, curve.PerEpoch[i].Mean, precision: 12);
            Assert.Equal(expected.Mean + expected.HalfWidth, curve.PerEpoch[i].CiHigh, precision: 6);
        }
    }

    private static bool FoundNoFixedPoint(string[] row) =>
        row[0] == SyntheticProbeStudy.Other && row[1] == SyntheticProbeStudy.SeedWithoutFixedPoint.ToString(CultureInfo.InvariantCulture);

    private static int[] SeedsWithAValue(string condition) =>
        SyntheticProbeStudy.Seeds.Where(seed => !SyntheticProbeStudy.FoundNoFixedPoint(condition, seed, SyntheticProbeStudy.LastProbedEpoch)).ToArray();

    private static double ExpectedValue(string metric, string condition, int seed) => metric switch
    {
        "probe_jacobian_asymmetry" => SyntheticProbeStudy.JacobianAsymmetry(condition, seed, SyntheticProbeStudy.LastProbedEpoch),
        _ => SyntheticProbeStudy.ProbeAngle(condition, seed, int.Parse(metric["probe_angle_pair".Length..^"_deg".Length], CultureInfo.InvariantCulture),
            SyntheticProbeStudy.LastProbedEpoch),
    };

    private static double Number(string cell) => double.Parse(cell, CultureInfo.InvariantCulture);

    // The synthetic names hold no commas, so splitting the test's own input is safe here.
    private static Dictionary<(string Condition, string Metric), Dictionary<string, string>> ReadSummary(string directory)
    {
        var lines = File.ReadAllLines(Path.Combine(directory, "summary.csv"));
        var header = lines[0].Split(',');
        return lines.Skip(1)
            .Select(line => header.Zip(line.Split(',')).ToDictionary(p => p.First, p => p.Second))
            .ToDictionary(row => (row["condition"], row["metric"]));
    }
}

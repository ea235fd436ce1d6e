using System.Globalization;
using EqPropActors.Cli.Studies;
using EqPropActors.Cli.Studies.Report;
using EqPropActors.Cli.Studies.Running;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Tests.Studies.Report;

/// <summary>
/// A study folder as <c>eqprop study</c> leaves it, without training: the real spec, study folder and run folders, each
/// with a results.json and a metrics.csv written by <see cref="MetricsCsv"/> itself (so the probe's column names are
/// those train writes). Two conditions × three seeds of a 784-16-10 network (layer pairs 1 and 2), five epochs probed
/// every second epoch: epochs 2 and 4 have probe values, epoch 5 (the last) has none. The last probe of
/// <see cref="Other"/> seed <see cref="SeedWithoutFixedPoint"/> found no fixed point (NaN).
/// </summary>
public static class SyntheticProbeStudy
{
    public const string Baseline = "vf";
    public const string Other = "beta 1";
    public const int Epochs = 5;
    public const int LastProbedEpoch = 4;
    public const int SeedWithoutFixedPoint = 3;
    public const int Pairs = 2;

    public static readonly string[] Conditions = [Baseline, Other];
    public static readonly int[] Seeds = [1, 2, 3];

    /// <param name="probed">Whether the spec sets probe-gradient-every; without it the runs have no probe values either.</param>
    public static string Spec(bool probed) => $"""
        title = "probe"
        seeds = [1, 2, 3]
        [base]
        dataset = "synthetic"
        layers = "784,16,10"
        epochs = {Epochs}
        {(probed ? "probe-gradient-every = 2" : "")}
        [[condition]]
        name = "{Baseline}"
        [[condition]]
        name = "{Other}"
        beta = 1.0
        """;

    /// <summary>The probe's angle of a pair at an epoch; seeds and conditions differ by uneven amounts so that every
    /// spread and paired difference has a spread of its own.</summary>
    public static double ProbeAngle(string condition, int seed, int pair, int epoch) =>
        35 + 4 * pair + (condition == Other ? 6 + 0.8 * seed * seed : 0) + 1.3 * seed + 5 * (Epochs - epoch);

    public static double JacobianAsymmetry(string condition, int seed, int epoch) =>
        0.2 + (condition == Other ? 0.05 + 0.01 * seed * seed : 0) + 0.02 * seed + 0.03 * (Epochs - epoch);

    /// <summary>Whether the probe at <paramref name="epoch"/> found no fixed point.</summary>
    public static bool FoundNoFixedPoint(string condition, int seed, int epoch) =>
        condition == Other && seed == SeedWithoutFixedPoint && epoch == LastProbedEpoch;

    public static StudyReportContext Context(StudySpec spec) => new()
    {
        Title = "Gradient probe (synthetic)",
        SpecText = spec.SpecText,
        Command = "eqprop study probe.toml --out probe",
        Machine = "Test CPU, 2 cores, AVX2 FMA, Linux, .NET 10",
        Version = "0.1.0+abc1234",
        Date = new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero),
        BaselineCondition = Baseline,
        ConditionOrder = Conditions,
        DataDescription = "synthetic, 784-16-10, vf rule",
        Seeds = Seeds,
    };

    /// <summary>Writes the study into <paramref name="directory"/> and its runs.csv, summary.csv, plots and report, as
    /// <c>eqprop study --report-only</c> does.</summary>
    public static void Write(string directory, bool probed)
    {
        var spec = StudySpec.Parse(Spec(probed), "probe.toml");
        var study = StudyFolder.Open(directory, spec);
        foreach (var run in study.Runs)
        {
            Directory.CreateDirectory(run.Directory);
            File.WriteAllText(run.File(RunDirectory.ResultsFile),
                $$"""{"status": "completed", "epochs_completed": {{Epochs}}, "test_error": 0.2, "final_weight_angles_degrees": [60.5]}""");
            var rows = Enumerable.Range(1, Epochs).Select(epoch => Epoch(run.Condition.Name, run.Seed, epoch, probed)).ToArray();
            File.WriteAllText(run.File(RunDirectory.MetricsFile), MetricsCsv.Format(rows));
        }
        RunsTable.Write(study);
        StudyReport.Write(directory, Context(spec));
    }

    private static EpochMetrics Epoch(string condition, int seed, int epoch, bool probed)
    {
        bool probedNow = probed && epoch % 2 == 0;
        bool nothingToMeasure = FoundNoFixedPoint(condition, seed, epoch);
        return new EpochMetrics
        {
            Epoch = epoch,
            TrainError = 0.3 - 0.02 * epoch,
            TrainLoss = 0.5,
            TestError = 0.31 - 0.02 * epoch + 0.001 * seed,
            TestLoss = 0.5,
            WeightAnglesDegrees = [70 - epoch],
            FreeNonConverged = 0,
            NudgedNonConverged = 0,
            MeanFreeResidual = 1e-4,
            MeanNudgedResidual = 1e-4,
            Seconds = 1.5,
            SamplesPerSecond = 100,
            ProbeAnglesDegrees = !probedNow ? null
                : Enumerable.Range(1, Pairs).Select(pair => nothingToMeasure ? double.NaN : ProbeAngle(condition, seed, pair, epoch)).ToArray(),
            ProbeJacobianAsymmetry = !probedNow ? null : nothingToMeasure ? double.NaN : JacobianAsymmetry(condition, seed, epoch),
        };
    }

    /// <summary>runs.csv as a header and rows of cells (the synthetic names hold no commas).</summary>
    public static (string[] Header, string[][] Rows) ReadRunsCsv(string directory)
    {
        var lines = File.ReadAllLines(Path.Combine(directory, "runs.csv"));
        return (lines[0].Split(','), lines.Skip(1).Select(line => line.Split(',')).ToArray());
    }

    public static double Number(string cell) => double.Parse(cell, CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Text;
using EqPropActors.Cli.Studies.Report;

namespace EqPropActors.Cli.Tests.Studies.Report;

/// <summary>
/// A study folder written by hand as the study runner would: three conditions × five seeds; "delay-1" is within noise of
/// the baseline "sync", "delay-4" is consistently ~1.2 pp worse; delay-4 seed 3 diverged; delay-1 seed 2 completed
/// without a validation error.
/// </summary>
public static class SyntheticStudy
{
    public const string Baseline = "sync";
    public const string NoiseOnly = "delay-1";
    public const string Worse = "delay-4";
    public const int DivergedSeed = 3;
    public const int SeedWithoutValError = 2;
    public const string DivergedReason = "test loss NaN at epoch 2, lr 0.1";

    public static readonly string[] Conditions = [Baseline, NoiseOnly, Worse];
    public static readonly int[] Seeds = [1, 2, 3, 4, 5];

    private static readonly double[] BaselineTestError = [0.150, 0.155, 0.152, 0.158, 0.151];
    private static readonly double[] NoiseOffsets = [0.001, -0.002, 0.0015, -0.001, 0.0005];
    private static readonly double[] WorseOffsets = [0.010, 0.012, 0.009, 0.011, 0.013];

    /// <summary>The final test error of a condition at a seed (seed k at index k − 1), as written to runs.csv.</summary>
    public static double TestError(string condition, int seed) => condition switch
    {
        Baseline => BaselineTestError[seed - 1],
        NoiseOnly => BaselineTestError[seed - 1] + NoiseOffsets[seed - 1],
        Worse when seed == DivergedSeed => 0.9,
        Worse => BaselineTestError[seed - 1] + WorseOffsets[seed - 1],
        _ => throw new ArgumentOutOfRangeException(nameof(condition)),
    };

    /// <summary>The validation error, or null for the run that has none.</summary>
    public static double? ValError(string condition, int seed) =>
        condition == NoiseOnly && seed == SeedWithoutValError ? null : TestError(condition, seed) - 0.004 + 0.001 * seed;

    public static double Angle(string condition, int seed) => 55 + Array.IndexOf(Conditions, condition) * 3 + 0.7 * seed;

    private static string Delay(string condition) => condition == Baseline ? "0" : condition["delay-".Length..];

    public static StudyRunsTable Table(string directory) => StudyRunsTable.Read(Path.Combine(directory, "runs.csv"));

    public static StudyReportContext Context() => new()
    {
        Title = "Asynchrony sweep (synthetic)",
        SpecText = "[study]\nname = \"async\"\nbaseline = \"sync\"\n",
        Command = "eqprop study studies/async.toml --out docs/results/async",
        Machine = "Test CPU, 2 cores, AVX2 FMA, Linux, .NET 10",
        Version = "0.1.0+abc1234",
        Date = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero),
        BaselineCondition = Baseline,
        ConditionOrder = Conditions,
        DataDescription = "fashion-mnist, 784-500-10, vf rule",
        Seeds = Seeds,
    };

    public static void Write(string directory)
    {
        var c = CultureInfo.InvariantCulture;
        var runs = new StringBuilder("condition,seed,delay,status,reason,epochs,val_error,test_error,weight_angle_pair2_deg,seconds,run_dir\n");
        foreach (var condition in Conditions)
        {
            foreach (int seed in Seeds)
            {
                bool diverged = condition == Worse && seed == DivergedSeed;
                string runDir = $"runs/{condition}/seed-{seed}";
                string reason = diverged ? "\"" + DivergedReason + "\"" : "";
                string val = ValError(condition, seed) is { } v ? v.ToString("R", c) : "";
                runs.Append(c, $"{condition},{seed},{Delay(condition)},{(diverged ? "diverged" : "completed")},{reason},3,{val},");
                runs.Append(c, $"{TestError(condition, seed):R},{Angle(condition, seed):R},{12.5 + seed:R},{runDir}\n");
                WriteMetrics(Path.Combine(directory, runDir), condition, seed, diverged);
            }
        }
        File.WriteAllText(Path.Combine(directory, "runs.csv"), runs.ToString());
    }

    // Three epochs whose last equals the runs.csv figures; the columns are in a different order than runs.csv's, since
    // metrics.csv is read by header name.
    private static void WriteMetrics(string runDirectory, string condition, int seed, bool diverged)
    {
        var c = CultureInfo.InvariantCulture;
        Directory.CreateDirectory(runDirectory);
        var text = new StringBuilder("epoch,train_error,train_loss,test_error,test_loss,angle_pair2_deg,val_error,val_loss,seconds\n");
        for (int epoch = 1; epoch <= (diverged ? 2 : 3); epoch++)
        {
            double late = 0.05 * (3 - epoch);
            double? val = ValError(condition, seed) + late;
            text.Append(c, $"{epoch},{TestError(condition, seed) + late + 0.01:R},{0.4 + late:R},{TestError(condition, seed) + late:R},");
            text.Append(c, $"{(diverged && epoch == 2 ? "NaN" : (0.45 + late).ToString("R", c))},{Angle(condition, seed) + 10 * (3 - epoch):R},");
            text.Append(c, $"{(val is { } v ? v.ToString("R", c) : "")},{(val is null ? "" : "0.5")},4.2\n");
        }
        File.WriteAllText(Path.Combine(runDirectory, "metrics.csv"), text.ToString());
    }
}

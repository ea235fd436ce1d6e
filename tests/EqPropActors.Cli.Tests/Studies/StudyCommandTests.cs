using System.Globalization;
using EqPropActors.Cli.Commands;
using EqPropActors.Core.Checkpoints;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Tests.Studies;

/// <summary>
/// <c>eqprop study</c> end to end on a small synthetic study: every condition with every seed as an ordinary run folder,
/// finished runs skipped and interrupted ones resumed by the same command (ending bit for bit as an uninterrupted study),
/// a changed spec refused, and the tables and report written from the run folders.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class StudyCommandTests : IDisposable
{
    private const string Spec = """
        title = "tiny"
        seeds = [1, 2]
        gradcheck = true
        gradcheck-repeats = 2
        [base]
        dataset = "synthetic"
        layers = "784,16,10"
        train-samples = 200
        validation = 100
        epochs = 2
        T1 = 20
        T2 = 4
        [[condition]]
        name = "beta 0.5"
        [[condition]]
        name = "beta 1"
        beta = 1.0
        """;

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string WriteSpec(string text, string name = "tiny.toml") => _directory.Write(name, System.Text.Encoding.UTF8.GetBytes(text));

    [Fact]
    public void AnAsyncStudy_TabulatesLostMessagesStalePhasesAndFreshResiduals()
    {
        string spec = WriteSpec("""
            title = "async channels"
            seeds = 1
            [base]
            dataset = "synthetic"
            layers = "784,16,10"
            train-samples = 200
            engine = "actors"
            schedule = "async"
            [[condition]]
            name = "threshold"
            send-threshold = 0.05
            [[condition]]
            name = "lossy"
            drop-prob = 0.2
            """, "async.toml");
        string output = _directory.File("async-study");
        CliRunner.RunOk("study", spec, "--out", output);

        var (header, rows) = ReadCsv(Path.Combine(output, "runs.csv"));
        double Cell(string[] row, string column) => RunFolder.Number(row[Array.IndexOf(header, column)]);
        var threshold = rows.Single(r => r[0] == "threshold");
        var lossy = rows.Single(r => r[0] == "lossy");
        Assert.True(Cell(threshold, "stale_ended_phases") > 0, "a threshold far above the tolerance leaves phases settled on stale views");
        Assert.Equal(0, Cell(threshold, "lost_messages"));
        Assert.True(Cell(lossy, "lost_messages") > 0, "a lossy channel loses messages");
        Assert.All(rows, row => Assert.True(Cell(row, "fresh_residual") > 0, "async runs measure the residual against fresh states"));
        // The report tabulates the costs and imperfections that differ between conditions, next to the errors.
        string report = File.ReadAllText(Path.Combine(output, "report.md"));
        Assert.Contains("## lost messages", report);
        Assert.Contains("## bytes", report);
    }

    [Fact]
    public void AStudy_TrainsEveryConditionWithEverySeed_AndTabulatesThem()
    {
        string spec = WriteSpec(Spec), output = _directory.File("study");
        var result = CliRunner.RunOk("study", spec, "--out", output);
        Assert.Contains("4 to do", result.Flat);

        foreach (var (slug, seed, beta) in new[] { ("beta-0.5", 1, "0.5"), ("beta-0.5", 2, "0.5"), ("beta-1", 1, "1"), ("beta-1", 2, "1") })
        {
            string run = Path.Combine(output, "runs", slug, $"seed-{seed}");
            var config = RunDirectory.ReadConfig(Path.Combine(run, RunDirectory.ConfigFile));
            Assert.Equal(seed, config.Seed);
            Assert.Equal(float.Parse(beta, CultureInfo.InvariantCulture), config.Beta);
            Assert.Equal(100, config.Validation);
            Assert.Equal("completed", StatusOf(run));
            Assert.True(File.Exists(Path.Combine(run, RunDirectory.GradcheckFile)), $"no gradient check in {run}");
        }

        var (header, rows) = ReadCsv(Path.Combine(output, "runs.csv"));
        Assert.Equal(["condition", "seed", "beta", "status"], header[..4]);
        // The baseline leaves beta to its default; the table says what the run resolved it to.
        Assert.Equal(["0.5", "1", "0.5", "1"], rows.Select(r => r[2]).ToArray());
        Assert.Equal(4, rows.Length);
        // Seed by seed: both conditions of seed 1 first.
        Assert.Equal(["beta 0.5/1", "beta 1/1", "beta 0.5/2", "beta 1/2"], rows.Select(r => $"{r[0]}/{r[1]}").ToArray());
        foreach (var row in rows)
        {
            Assert.Equal("completed", row[Array.IndexOf(header, "status")]);
            string run = Path.Combine(output, row[Array.IndexOf(header, "run_dir")]);
            var (metricsHeader, metricsRows) = RunFolder.Metrics(run);
            // The table carries the run's own last-epoch figures.
            Assert.Equal(metricsRows[^1][Array.IndexOf(metricsHeader, "test_error")], row[Array.IndexOf(header, "test_error")]);
            Assert.Equal(metricsRows[^1][Array.IndexOf(metricsHeader, "val_error")], row[Array.IndexOf(header, "val_error")]);
            double trained = RunFolder.Number(row[Array.IndexOf(header, "trained_angle_pair1_deg")]);
            Assert.InRange(trained, 0, 180);
            Assert.Equal(row[Array.IndexOf(header, "one_sided_angle_pair1_deg")], row[Array.IndexOf(header, "trained_angle_pair1_deg")]);
        }
        Assert.True(File.Exists(Path.Combine(output, "summary.csv")));
        Assert.True(File.Exists(Path.Combine(output, "report.md")));
        Assert.Contains("beta 1", File.ReadAllText(Path.Combine(output, "report.md")));

        // The same command again finds everything done and runs nothing.
        var stamps = Directory.GetFiles(Path.Combine(output, "runs"), "checkpoint.npz", SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        var again = CliRunner.RunOk("study", spec, "--out", output);
        Assert.Contains("4 already finished, 0 to do", again.Flat);
        Assert.All(stamps, s => Assert.Equal(s.Value, File.GetLastWriteTimeUtc(s.Key)));
    }

    [Fact]
    public void AnInterruptedStudy_IsContinuedByTheSameCommand_AndEndsAsAnUninterruptedOne()
    {
        string spec = WriteSpec(Spec.Replace("epochs = 2", "epochs = 3").Replace("gradcheck = true\ngradcheck-repeats = 2\n", "")),
            reference = _directory.File("reference"), output = _directory.File("study");
        CliRunner.RunOk("study", spec, "--out", reference);

        // Stop the study once its first run has finished and the second has trained a little: SIGTERM to the child.
        using var stop = new CancellationTokenSource();
        var interrupted = CliRunner.Run(["study", spec, "--out", output], line =>
        {
            if (line.StartsWith("[1/4]", StringComparison.Ordinal))
                Task.Delay(1500).ContinueWith(_ => stop.Cancel());
        }, stop.Token);
        Assert.True(interrupted.ExitCode == ExitCodes.Interrupted, interrupted.ToString());
        Assert.Contains("The same command continues the study", interrupted.Flat);
        var (_, rows) = ReadCsv(Path.Combine(output, "runs.csv"));
        Assert.Contains(rows, r => r.Contains("pending") || r.Contains("interrupted"));

        var resumed = CliRunner.RunOk("study", spec, "--out", output);
        Assert.Matches(@"[1-3] already finished, [1-3] to do", resumed.Flat);
        foreach (var run in Directory.GetDirectories(Path.Combine(reference, "runs"), "seed-*", SearchOption.AllDirectories))
        {
            string twin = Path.Combine(output, Path.GetRelativePath(reference, run));
            var a = RunFolder.CheckpointWeights(run);
            var b = RunFolder.CheckpointWeights(twin);
            Assert.True(a.Keys.SequenceEqual(b.Keys) && a.Keys.All(k => RunFolder.BitIdentical(a[k], b[k])), $"{twin}: {RunFolder.DescribeDifference(a, b)}");
            Assert.Equal("completed", StatusOf(twin));
        }
    }

    [Fact]
    public void AChangedSpec_IsRefusedForAnExistingStudyFolder_WhileCommentsMayChange()
    {
        string output = _directory.File("study");
        Directory.CreateDirectory(output);
        string spec = WriteSpec(Spec.Replace("seeds = [1, 2]", "seeds = [1]").Replace("epochs = 2", "epochs = 1").Replace("gradcheck = true\ngradcheck-repeats = 2\n", ""));
        CliRunner.RunOk("study", spec, "--out", output);

        string commented = WriteSpec("# a comment that changes nothing\n" + File.ReadAllText(spec), "commented.toml");
        Assert.Contains("2 already finished", CliRunner.RunOk("study", commented, "--out", output).Flat);

        string changed = WriteSpec(File.ReadAllText(spec).Replace("beta = 1.0", "beta = 2.0"), "changed.toml");
        var refused = CliRunner.Run("study", changed, "--out", output);
        Assert.True(refused.ExitCode == ExitCodes.BadInput, refused.ToString());
        Assert.Contains("a different spec", refused.Flat);
    }

    [Fact]
    public void ANonStudyFolder_IsRefusedAndUntouched()
    {
        string output = _directory.File("notes");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "todo.txt"), "keep");
        var refused = CliRunner.Run("study", WriteSpec(Spec), "--out", output);
        Assert.True(refused.ExitCode == ExitCodes.BadInput, refused.ToString());
        Assert.Equal(["todo.txt"], Directory.GetFileSystemEntries(output).Select(e => Path.GetFileName(e)).ToArray());
    }

    private static string? StatusOf(string run)
    {
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(run, RunDirectory.ResultsFile)));
        return json.RootElement.GetProperty("status").GetString();
    }

    internal static (string[] Header, string[][] Rows) ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        // The test study's names and reasons hold no commas, so a plain split is exact here.
        return (lines[0].Split(','), lines.Skip(1).Select(l => l.Split(',')).ToArray());
    }
}

using System.Text.Json;
using EqPropActors.Cli.Commands;
using EqPropActors.Core.Checkpoints;
using EqPropActors.Core.Data;
using EqPropActors.Core.Gradients;
using EqPropActors.Core.Network;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Tests;

/// <summary>
/// <c>eqprop gradcheck</c> over several minibatches and at a run's saved weights: the JSON rows are what the Core check
/// gives for the same settings, their spread is a plain sample standard deviation, and they say which estimator trains.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class GradCheckCommandTests : IDisposable
{
    private const int BatchSize = 5;

    /// <summary>A check that takes about a second: the small network, short phases, small minibatches.</summary>
    private static readonly string[] SmallCheck =
        ["gradcheck", "--layers", "784,32,10", "--T1", "200", "--T2", "200", "--batch-size", "5", "--rules", "vf", "--json"];

    // The data set the command reads by default (--dataset synthetic), generated once for every test here.
    private static readonly Lazy<Dataset> TrainingSet = new(() => DatasetCatalog.Load(DatasetCatalog.Synthetic, null).Train);

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private sealed record JsonRows(GradientCheckRow[] Rows);

    private static GradientCheckRow[] RunCheck(params string[] extra)
    {
        var result = CliRunner.RunOk([.. SmallCheck, .. extra]);
        return JsonSerializer.Deserialize<JsonRows>(result.Output, RunDirectory.Json)!.Rows;
    }

    /// <summary>The Core settings that <see cref="SmallCheck"/> stands for.</summary>
    private static GradientCheckSettings CoreSettings(int repeats) => new()
    {
        Layers = [784, 32, 10], Rules = [LearningRule.Vf], FreeSteps = 200, NudgedSteps = 200, BatchSize = BatchSize, Repeats = repeats,
    };

    [Fact]
    public void RepeatsGiveTheMeanAndSpreadOfTheOneMinibatchChecksOnConsecutiveSamples()
    {
        var rows = RunCheck("--repeats", "3", "--angles", "0,90");
        Assert.Equal(4, rows.Length);

        // Repeat r, measured on its own: a one-minibatch check on a data set that starts at sample r·B.
        var data = TrainingSet.Value;
        var perRepeat = Enumerable.Range(0, 3).Select(r => GradientCheck.Measure(CoreSettings(1) with { InitAnglesDegrees = [0, 90] },
            new Dataset("shifted", data.Pixels.Slice(r * BatchSize * data.FeatureCount, BatchSize * data.FeatureCount),
                data.Labels.Slice(r * BatchSize, BatchSize), data.FeatureCount, data.ClassCount))).ToArray();
        foreach (var row in rows)
        {
            var alone = perRepeat.Select(measured => measured.Single(m => m.InitAngleDeg == row.InitAngleDeg && m.Layer == row.Layer)).ToArray();
            Assert.Equal(3, row.Repeats);
            AssertMeanAndSampleSpread(alone.Select(m => m.OneSidedAngleDeg).ToArray(), row.OneSidedAngleDeg, row.OneSidedAngleStdDeg);
            AssertMeanAndSampleSpread(alone.Select(m => m.CenteredAngleDeg).ToArray(), row.CenteredAngleDeg, row.CenteredAngleStdDeg);
            Assert.Equal(alone.Average(m => m.TheoryAngleDeg), row.TheoryAngleDeg, 1e-12);
            Assert.Equal(alone.Max(m => m.FreeResidual), row.FreeResidual);
        }
    }

    private static void AssertMeanAndSampleSpread(double[] values, double mean, double? standardDeviation)
    {
        double sum = 0, squares = 0;
        foreach (double value in values)
            sum += value;
        double expectedMean = sum / values.Length;
        foreach (double value in values)
            squares += (value - expectedMean) * (value - expectedMean);
        Assert.Equal(expectedMean, mean, 1e-12);
        Assert.NotNull(standardDeviation);
        Assert.Equal(Math.Sqrt(squares / (values.Length - 1)), standardDeviation.Value, 1e-12);
    }

    [Fact]
    public void OneRepeatWritesNullSpreads()
    {
        var output = CliRunner.RunOk([.. SmallCheck, "--angles", "90"]).Output;
        using var json = JsonDocument.Parse(output);
        foreach (var row in json.RootElement.GetProperty("rows").EnumerateArray())
        {
            Assert.Equal(1, row.GetProperty("repeats").GetInt32());
            foreach (var name in new[] { "one_sided_angle_std_deg", "centered_angle_std_deg", "trained_angle_std_deg" })
                Assert.Equal(JsonValueKind.Null, row.GetProperty(name).ValueKind);
            Assert.Equal(90, row.GetProperty("init_angle_deg").GetDouble());
        }
    }

    [Fact]
    public void ALayerTheNudgeNeverReachesHasNoAngleAndTheCheckStillAnswers()
    {
        // A send threshold above every change: after the phase's first message the hidden group never hears of the
        // nudge, its update is exactly zero, and the angle to it is undefined. The output group's own update is not.
        var output = CliRunner.RunOk([.. SmallCheck, "--angles", "0", "--engine", "actors", "--schedule", "async", "--send-threshold", "10"]).Output;
        using var json = JsonDocument.Parse(output);
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("layer").GetInt32());
        Assert.Equal("NaN", rows[1].GetProperty("one_sided_angle_deg").GetString());
        Assert.InRange(rows[2].GetProperty("one_sided_angle_deg").GetDouble(), 0, 180);
    }

    [Theory]
    [InlineData(false, "one-sided")]
    [InlineData(true, "centered")]
    public void TheTrainedEstimatorIsCenteredOnlyWithTheThirdPhase(bool thirdPhase, string estimator)
    {
        var rows = RunCheck([.. (thirdPhase ? ["--third-phase"] : Array.Empty<string>()), "--repeats", "2", "--angles", "90"]);
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            Assert.Equal(estimator, row.TrainedEstimator);
            Assert.Equal(thirdPhase ? row.CenteredAngleDeg : row.OneSidedAngleDeg, row.TrainedAngleDeg);
            Assert.Equal(thirdPhase ? row.CenteredAngleStdDeg : row.OneSidedAngleStdDeg, row.TrainedAngleStdDeg);
        }
        // The two estimates differ at finite β and T, so the choice is visible in the numbers.
        Assert.Contains(rows, row => row.CenteredAngleDeg != row.OneSidedAngleDeg);
    }

    [Fact]
    public void SavedWeightsGiveTheCoreChecksAnglesAtThoseWeights()
    {
        string run = _directory.File("vf-run");
        CliRunner.RunOk(CliRunner.Train("--out", run));
        string checkpoint = Path.Combine(run, RunDirectory.CheckpointFile);

        var rows = RunCheck("--weights", checkpoint, "--repeats", "2");
        var weights = Checkpoint.Load(checkpoint, [784, 32, 10]).Weights;
        var expected = GradientCheck.Run(CoreSettings(2) with { Weights = weights }, TrainingSet.Value);
        Assert.Equal(expected, rows);
        Assert.All(rows, row => Assert.Null(row.InitAngleDeg));
        // Trained weights are not the seeded ones: the angles differ from those at the run's initialisation (90°, seed 1).
        var initial = GradientCheck.Run(CoreSettings(2) with { InitAnglesDegrees = [90] }, TrainingSet.Value);
        Assert.NotEqual(initial.Select(r => r.CenteredAngleDeg), rows.Select(r => r.CenteredAngleDeg));
    }

    [Fact]
    public void SymmetricEpMeasuresATiedRunAndRefusesAnUntiedOne()
    {
        string epRun = _directory.File("ep-run"), vfRun = _directory.File("vf-run");
        CliRunner.RunOk(CliRunner.Train("--rule", "ep", "--out", epRun));
        CliRunner.RunOk(CliRunner.Train("--out", vfRun));

        var rows = RunCheck("--weights", Path.Combine(epRun, RunDirectory.CheckpointFile), "--rules", "ep");
        Assert.Equal(2, rows.Length);
        Assert.All(rows, row => Assert.Equal("ep", row.Rule));

        string untied = Path.Combine(vfRun, RunDirectory.CheckpointFile);
        AssertBadInput([.. SmallCheck, "--weights", untied, "--rules", "ep"], "--rules ep", untied, "Wfb1 is not the transpose of Wff2");
    }

    [Fact]
    public void ZeroRepeatsIsRefused() => AssertBadInput([.. SmallCheck, "--repeats", "0"], "--repeats", "0");

    [Fact]
    public void ANegativeToleranceIsRefused() => AssertBadInput([.. SmallCheck, "--tolerance", "-1e-5"], "--tolerance", "-1E-05");

    [Fact]
    public void MoreSamplesThanTheDataSetHasAreRefused() =>
        AssertBadInput([.. SmallCheck, "--repeats", "3", "--batch-size", "4000"], "--repeats 3", "--batch-size 4000", "12000", "10000");

    [Fact]
    public void AnglesWithWeightsAreRefused()
    {
        string missing = _directory.File("never-written.npz");
        AssertBadInput([.. SmallCheck, "--weights", missing, "--angles", "0,90"], "--angles", "--weights", missing);
    }

    [Fact]
    public void AMissingWeightsFileIsNamed()
    {
        string missing = _directory.File("never-written.npz");
        AssertBadInput([.. SmallCheck, "--weights", missing], missing, "does not exist");
    }

    [Fact]
    public void WeightsForOtherLayersAreNamed()
    {
        string run = _directory.File("vf-run");
        CliRunner.RunOk(CliRunner.Train("--out", run));
        string checkpoint = Path.Combine(run, RunDirectory.CheckpointFile);
        AssertBadInput(["gradcheck", "--layers", "784,16,10", "--weights", checkpoint], checkpoint, "784,32,10", "784,16,10");
    }

    private static void AssertBadInput(string[] args, params string[] mustMention)
    {
        var result = CliRunner.Run(args);
        Assert.True(result.Thrown is null && result.ExitCode == ExitCodes.BadInput, $"expected exit code {ExitCodes.BadInput}\n{result}");
        foreach (var text in mustMention)
            Assert.True(result.Flat.Contains(text, StringComparison.Ordinal), $"the message should mention '{text}'\n{result}");
    }
}

using System.Text.Json;
using EqPropActors.Cli.Commands;
using EqPropActors.Cli.Reporting;
using EqPropActors.Core.Checkpoints;
using EqPropActors.Core.Data;
using EqPropActors.Core.Gradients;
using EqPropActors.Core.Network;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Tests;

/// <summary>
/// train --probe-gradient-every N: the angle between the trained update and the true gradient, and the Jacobian's
/// asymmetry, in metrics.csv every N epochs; what gradcheck says for the same weights; not one bit of training changed.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ProbeGradientTests : IDisposable
{
    private static readonly string[] TimingColumns = ["seconds", "samples_per_second", "phase_seconds"];

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    /// <summary>
    /// The logged angles are those of <see cref="GradientCheck.Measure"/> (the gradcheck command's path: data set,
    /// batch and settings its own way, written out here from the options given) at the epoch's checkpoint, on the first
    /// 20 validation samples, for the estimator the run trains with. The tied hard-sigmoid network's Jacobian is
    /// symmetric; the independent feedback weights' is not.
    /// </summary>
    [Theory]
    [InlineData("vf", false)]
    [InlineData("ep", true)]
    public void LoggedAnglesAreWhatGradientCheckComputesForTheCheckpoint(string rule, bool thirdPhase)
    {
        string run = _directory.File("run");
        string[] ruleOptions = rule == "ep" ? ["--rule", "ep", "--init-angle", "0"] : ["--rule", "vf", "--init-angle", "90"];
        string[] centered = thirdPhase ? ["--third-phase"] : [];
        CliRunner.RunOk(CliRunner.Train([.. ruleOptions, .. centered, "--epochs", "1", "--validation", "40", "--beta", "0.1",
            "--T1", "60", "--T2", "20", "--probe-gradient-every", "1", "--out", run]));

        var weights = Checkpoint.Load(Path.Combine(run, RunDirectory.CheckpointFile), [784, 32, 10]).Weights;
        var validation = DatasetCatalog.Load("synthetic", null, 200, 40).Validation!;
        var settings = new GradientCheckSettings
        {
            Layers = [784, 32, 10],
            Rules = [rule == "ep" ? LearningRule.Ep : LearningRule.Vf],
            Weights = weights,
            Beta = 0.1f,
            FreeSteps = 60,
            NudgedSteps = 20,
            Dt = 0.5f,
            BatchSize = 20,
            Repeats = 1,
            ThirdPhase = thirdPhase,
        };
        var expected = GradientCheck.Measure(settings, validation).OrderBy(m => m.Layer).ToArray();

        var (header, rows) = RunFolder.Metrics(run);
        Assert.Equal(2, expected.Length);
        foreach (var measurement in expected)
        {
            double logged = RunFolder.Number(rows[0][Array.IndexOf(header, $"probe_angle_pair{measurement.Layer}_deg")]);
            double trained = thirdPhase ? measurement.CenteredAngleDeg : measurement.OneSidedAngleDeg;
            Assert.True(double.IsFinite(trained), $"gradcheck gave no angle for pair {measurement.Layer}");
            Assert.True(Math.Abs(logged - trained) < 1e-6, $"pair {measurement.Layer}: logged {logged}°, gradcheck {trained}°");
        }
        double asymmetry = RunFolder.Number(rows[0][Array.IndexOf(header, "probe_jacobian_asymmetry")]);
        Assert.True(Math.Abs(asymmetry - expected[0].JacobianAsymmetry) < 1e-12, $"logged {asymmetry}, gradcheck {expected[0].JacobianAsymmetry}");
        if (rule == "ep")
            Assert.True(asymmetry < 1e-12, $"tied weights with the hard sigmoid have J = W − I, symmetric; got {asymmetry}");
        else
            Assert.True(asymmetry > 0.1, $"independent feedback weights should make J clearly asymmetric; got {asymmetry}");
    }

    [Fact]
    public void ProbedEveryNthEpoch_EmptyOtherwise_AndTrainingIsTheSameBitForBit()
    {
        string probed = _directory.File("probed"), plain = _directory.File("plain");
        string[] options = ["--epochs", "2", "--momentum", "0.5", "--random-sign", "--validation", "40"];
        CliRunner.RunOk(CliRunner.Train([.. options, "--probe-gradient-every", "2", "--out", probed]));
        CliRunner.RunOk(CliRunner.Train([.. options, "--out", plain]));

        var probedWeights = RunFolder.CheckpointWeights(probed);
        var plainWeights = RunFolder.CheckpointWeights(plain);
        Assert.True(probedWeights.Keys.SequenceEqual(plainWeights.Keys) && probedWeights.Keys.All(k => RunFolder.BitIdentical(probedWeights[k], plainWeights[k])),
            RunFolder.DescribeDifference(probedWeights, plainWeights));

        var (probedHeader, probedRows) = RunFolder.Metrics(probed);
        var (plainHeader, plainRows) = RunFolder.Metrics(plain);
        Assert.Equal(plainHeader, probedHeader);
        string[] probeColumns = ["probe_angle_pair1_deg", "probe_angle_pair2_deg", "probe_jacobian_asymmetry"];
        Assert.All(probeColumns, column => Assert.Contains(column, plainHeader));
        for (int c = 0; c < plainHeader.Length; c++)
        {
            for (int r = 0; r < 2; r++)
            {
                if (probeColumns.Contains(plainHeader[c]))
                {
                    Assert.Equal("", plainRows[r][c]); // off: empty
                    // Every second epoch: empty after epoch 1, a finite number after epoch 2.
                    if (r == 0)
                        Assert.Equal("", probedRows[r][c]);
                    else
                        Assert.True(double.IsFinite(RunFolder.Number(probedRows[r][c])), $"{plainHeader[c]} of epoch 2: '{probedRows[r][c]}'");
                }
                else if (!TimingColumns.Contains(plainHeader[c]))
                    Assert.True(plainRows[r][c] == probedRows[r][c], $"{plainHeader[c]} of epoch {r + 1}: {plainRows[r][c]} without the probe, {probedRows[r][c]} with it");
            }
        }
        Assert.True(File.Exists(Path.Combine(probed, RunPlots.GradientAngles)));
        Assert.False(File.Exists(Path.Combine(plain, RunPlots.GradientAngles)));
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(probed, RunDirectory.ConfigFile)));
        Assert.Equal(2, config.RootElement.GetProperty("probe-gradient-every").GetInt32());
    }

    [Fact]
    public void TheActorEngineRunIsProbedLikeTheBatchEngineRun()
    {
        // The probe relaxes on a batch engine of its own, so it needs nothing from the engine that trains; the sync
        // actors train the batch engine's bits, so the probe must log the same numbers.
        string actors = _directory.File("actors"), batch = _directory.File("batch");
        CliRunner.RunOk(CliRunner.Train("--epochs", "1", "--engine", "actors", "--probe-gradient-every", "1", "--out", actors));
        CliRunner.RunOk(CliRunner.Train("--epochs", "1", "--probe-gradient-every", "1", "--out", batch));

        var (header, actorRows) = RunFolder.Metrics(actors);
        var (_, batchRows) = RunFolder.Metrics(batch);
        foreach (int c in header.Select((name, c) => name.StartsWith("probe_", StringComparison.Ordinal) ? c : -1).Where(c => c >= 0))
        {
            Assert.True(double.IsFinite(RunFolder.Number(actorRows[0][c])), $"{header[c]}: '{actorRows[0][c]}'");
            Assert.Equal(batchRows[0][c], actorRows[0][c]);
        }
    }

    [Fact]
    public void ResumeKeepsTheProbeAndTheEarlierEpochsValues()
    {
        string run = _directory.File("run");
        CliRunner.RunOk(CliRunner.Train("--epochs", "1", "--probe-gradient-every", "1", "--out", run));
        string firstEpoch = File.ReadAllLines(Path.Combine(run, RunDirectory.MetricsFile))[1];

        CliRunner.RunOk("train", "--resume", run, "--epochs", "2");

        var (header, rows) = RunFolder.Metrics(run);
        Assert.Equal(firstEpoch, string.Join(',', rows[0]));
        Assert.True(double.IsFinite(RunFolder.Number(rows[1][Array.IndexOf(header, "probe_angle_pair1_deg")])), "the resumed epoch was not probed");
    }

    [Fact]
    public void WithoutAFixedPointTheCellsSayNaN_AndTrainingGoesOn()
    {
        // The logistic's rho-prime form oscillates at dt 1 (docs/theorem.md, "No fixed point"): nothing to linearise at.
        string run = _directory.File("run");
        var result = CliRunner.RunOk(CliRunner.Train("--epochs", "1", "--layers", "784,16,10", "--activation", "logistic", "--rho-prime",
            "--dt", "1", "--probe-gradient-every", "1", "--out", run));

        Assert.Contains("gradient probe after epoch 1: gradcheck needs the free phase to reach a fixed point, but with --dt 1 it does not for test sample", result.Flat);
        var (header, rows) = RunFolder.Metrics(run);
        Assert.All(header.Where(h => h.StartsWith("probe_", StringComparison.Ordinal)), h => Assert.Equal("NaN", rows[0][Array.IndexOf(header, h)]));
    }

    [Fact]
    public void NegativeIntervalIsRefused()
    {
        var refused = CliRunner.Run(CliRunner.Train("--probe-gradient-every", "-1"));
        Assert.True(refused.ExitCode == ExitCodes.BadInput, refused.ToString());
        Assert.Contains("--probe-gradient-every must be 0 (no gradient probe) or a positive number of epochs, got -1", refused.Flat);
    }
}

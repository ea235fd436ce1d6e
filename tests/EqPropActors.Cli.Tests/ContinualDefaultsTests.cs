using System.Text.Json;
using EqPropActors.Cli.Commands;
using EqPropActors.Core.Checkpoints;
using EqPropActors.Cli.Studies.Running;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Tests;

/// <summary>--update continual trains at its own defaults (β 1, centered estimate, smaller rates), which the user can
/// still override one by one; a study measures a continual run's gradient at the rates its weights last moved at.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ContinualDefaultsTests
{
    [Fact]
    public void ContinualWithoutOptions_TakesItsOwnBetaRatesAndCenteredEstimate()
    {
        var config = new TrainSettings { Update = "continual", Threads = 1 }.ToTrainingConfig();

        Assert.Equal(1f, config.Beta);
        Assert.True(config.ThirdPhase);
        Assert.Equal([0.06f, 0.012f], config.LearningRates);
    }

    [Fact]
    public void TwoPhaseDefaults_AreUnchangedByTheContinualOnes()
    {
        var config = new TrainSettings { Threads = 1 }.ToTrainingConfig();

        Assert.Equal(0.5f, config.Beta);
        Assert.False(config.ThirdPhase);
        Assert.Equal([0.1f, 0.05f], config.LearningRates);
    }

    [Fact]
    public void ContinualOptionsGiven_OverrideEachDefault()
    {
        var config = new TrainSettings { Update = "continual", ThirdPhase = false, Beta = 0.8f, LearningRates = "0.05,0.01", Threads = 1 }.ToTrainingConfig();

        Assert.Equal(0.8f, config.Beta);
        Assert.False(config.ThirdPhase);
        Assert.Equal([0.05f, 0.01f], config.LearningRates);
    }

    [Fact]
    public void ContinualOnTwoHiddenLayers_ScalesTheDepthsRates()
    {
        var config = new TrainSettings { Update = "continual", Layers = "784,40,30,10", Threads = 1 }.ToTrainingConfig();

        Assert.Equal([0.4f * 0.24f, 0.1f * 0.24f, 0.01f * 0.24f], config.LearningRates);
    }

    [Theory]
    [InlineData(new[] { "--third-phase", "false" }, false)]
    [InlineData(new string[0], true)]
    [InlineData(new[] { "--third-phase" }, true)]
    public void TheCommandLine_RecordsTheContinualEstimateItChose(string[] thirdPhase, bool centered)
    {
        using var directory = new TemporaryDirectory();
        string run = directory.File("run");
        CliRunner.RunOk(CliRunner.Train([.. thirdPhase, "--update", "continual", "--out", run]));

        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, RunDirectory.ConfigFile)));
        Assert.Equal(centered, config.RootElement.GetProperty("third-phase").GetBoolean());
    }

    [Fact]
    public void StudyGradcheckOfAContinualRun_MeasuresTheContinualFormAtTheLastEpochsRates()
    {
        var config = new TrainingConfig { Update = "continual", LearningRates = [0.06f, 0.012f], Epochs = 4, Schedule = LearningRateSchedule.Cosine };

        var args = GradcheckArguments.For(config, "w.npz", 2).ToList();

        float lastScale = (float)(0.5 * (1 + Math.Cos(Math.PI * 3 / 4)));
        Assert.Equal("continual", args[args.IndexOf("--update") + 1]);
        var rates = args[args.IndexOf("--lrs") + 1].Split(',').Select(r => float.Parse(r, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal([0.06f * lastScale, 0.012f * lastScale], rates);
    }

    [Fact]
    public void StudyGradcheckOfAnStdpRun_NamesTheFormAndNoRates()
    {
        var args = GradcheckArguments.For(new TrainingConfig { Update = "stdp" }, "w.npz", 2).ToList();

        Assert.Equal("stdp", args[args.IndexOf("--update") + 1]);
        Assert.DoesNotContain("--lrs", args);
    }
}

using EqPropActors.Cli.Reporting;
using EqPropActors.Core.Network;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Tests.Reporting;

public sealed class RunPlotsTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Write_ARunWithValidationAndFeedbackWeights_WritesErrorLossAndAnglePlots()
    {
        var run = RunDirectory.Open(_directory.Path);
        var config = new TrainingConfig { Dataset = "fashion-mnist", Layers = [784, 500, 10], Rule = LearningRule.Vf };

        RunPlots.Write(run, config, History(epochs: 4, withValidation: true, anglePairs: 1));

        Assert.Equal(["learning_curves.png", "loss_curves.png", "weight_angles.png"], _directory.FileNames());
        foreach (var name in _directory.FileNames())
            Assert.Equal(PngSignature, File.ReadAllBytes(_directory.File(name))[..8]);
        CopyForInspection();
    }

    [Fact]
    public void Write_ARunWithoutValidationOrFeedbackWeights_WritesNoAnglePlot()
    {
        var run = RunDirectory.Open(_directory.Path);
        var config = new TrainingConfig { Dataset = "synthetic", Layers = [20, 10, 4], Rule = LearningRule.Ep };

        RunPlots.Write(run, config, History(epochs: 2, withValidation: false, anglePairs: 0));

        Assert.Equal(["learning_curves.png", "loss_curves.png"], _directory.FileNames());
    }

    [Fact]
    public void Write_ARunWithGradientProbes_AlsoWritesTheGradientAnglePlot()
    {
        var run = RunDirectory.Open(_directory.Path);
        var config = new TrainingConfig { Dataset = "synthetic", Layers = [784, 32, 10], Rule = LearningRule.Vf };
        // --probe-gradient-every 2: epochs 1 and 3 have no probe.
        var history = History(epochs: 4, withValidation: false, anglePairs: 1)
            .Select(m => m.Epoch % 2 == 0 ? m with { ProbeAnglesDegrees = [80.0 - m.Epoch, 40.0 - m.Epoch], ProbeJacobianAsymmetry = 0.6 } : m)
            .ToList();

        RunPlots.Write(run, config, history);

        Assert.Equal(["gradient_angles.png", "learning_curves.png", "loss_curves.png", "weight_angles.png"], _directory.FileNames());
        Assert.Equal(PngSignature, File.ReadAllBytes(_directory.File(RunPlots.GradientAngles))[..8]);
        CopyForInspection();
    }

    [Fact]
    public void Describe_NamesDataSetLayersAndRule()
    {
        var config = new TrainingConfig { Dataset = "fashion-mnist", Layers = [784, 500, 10], Rule = LearningRule.Vf };

        Assert.Equal("fashion-mnist, 784-500-10, vf rule", RunPlots.Describe(config));
    }

    [Fact]
    public void SeriesName_SaysWhichWeightsTheAngleIsBetween()
    {
        Assert.Equal("layer pair 2 (W_ff vs W_fbᵀ)", RunPlots.SeriesName(2));
    }

    private static List<EpochMetrics> History(int epochs, bool withValidation, int anglePairs) =>
        Enumerable.Range(1, epochs).Select(epoch => new EpochMetrics
        {
            Epoch = epoch,
            TrainError = 0.3 / epoch,
            TrainLoss = 0.5 / epoch,
            TestError = 0.32 / epoch + 0.02,
            TestLoss = 0.52 / epoch + 0.03,
            ValError = withValidation ? 0.31 / epoch + 0.02 : null,
            ValLoss = withValidation ? 0.51 / epoch + 0.03 : null,
            WeightAnglesDegrees = Enumerable.Range(0, anglePairs).Select(i => 90.0 - 8 * epoch - i).ToArray(),
            FreeNonConverged = 0,
            NudgedNonConverged = 0,
            MeanFreeResidual = 1e-4,
            MeanNudgedResidual = 1e-4,
            Seconds = 1.5,
            SamplesPerSecond = 400,
        }).ToList();

    // Lets a person look at the rendered plots after a run; set EQPROP_PLOT_INSPECTION_DIR to enable.
    private void CopyForInspection()
    {
        var inspectionDirectory = Environment.GetEnvironmentVariable("EQPROP_PLOT_INSPECTION_DIR");
        if (string.IsNullOrEmpty(inspectionDirectory))
            return;
        foreach (var name in _directory.FileNames())
            File.Copy(_directory.File(name), Path.Combine(inspectionDirectory, "run_" + name), overwrite: true);
    }
}

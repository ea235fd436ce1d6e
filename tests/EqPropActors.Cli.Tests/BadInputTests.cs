using EqPropActors.Cli.Commands;

namespace EqPropActors.Cli.Tests;

/// <summary>Bad options and unreadable files end with exit code 2 and a message that names the culprit; Main throws nothing.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class BadInputTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void LayersThatDoNotFitTheData_AreReportedBeforeTheClusterWaitsForWorkers()
    {
        // No worker will ever come: without the early check the coordinator would wait its join-timeout and then fail
        // with exit code 1 (workers never came) instead of naming the layers.
        string config = _directory.File("coordinator.conf");
        File.WriteAllText(config, Cluster.Hosting.LocalWorkers.LoopbackCoordinatorConfig(Cluster.Hosting.LocalWorkers.FreePort(), expectedWorkers: 1)
            + "\neqprop.cluster.join-timeout = 60s");
        AssertBadInput(["train", "--train-samples", "100", "--layers", "784,32,7", "--engine", "cluster", "--cluster-config", config],
            "--layers ends with 7 output units", "10 classes");
    }

    private static CliResult AssertBadInput(string[] args, params string[] mustMention)
    {
        var result = CliRunner.Run(args);
        Assert.True(result.Thrown is null, $"Main threw instead of returning an exit code\n{result}");
        Assert.True(result.ExitCode == ExitCodes.BadInput, $"expected exit code {ExitCodes.BadInput} (bad input)\n{result}");
        Assert.Contains("error:", result.Flat);
        foreach (var text in mustMention)
            Assert.True(result.Flat.Contains(text, StringComparison.Ordinal), $"the message should mention '{text}'\n{result}");
        return result;
    }

    /// <summary>
    /// The logistic ρ' form at a large Euler step oscillates: there is no fixed point to linearise at. That used to end
    /// in a stack trace ("No fixed point … residual"); now it names the setting to change.
    /// </summary>
    [Fact]
    public void GradCheckWithoutAFixedPointNamesTheStepToChange()
    {
        var result = AssertBadInput(["gradcheck", "--layers", "784,16,10", "--activation", "logistic", "--rho-prime", "--dt", "1.5",
                "--rules", "vf", "--angles", "0", "--T1", "100", "--T2", "100", "--batch-size", "2"],
            "fixed point", "--dt 1.5", "smaller --dt", "--T1", "residual");
        Assert.DoesNotContain("   at ", result.Flat);
    }

    [Theory]
    [InlineData("--dt", "0", "--dt must be a positive number")]
    [InlineData("--dt", "-0.5", "--dt must be a positive number")]
    [InlineData("--T1", "0", "--T1 and --T2 must be at least 1")]
    [InlineData("--T2", "0", "--T1 and --T2 must be at least 1")]
    [InlineData("--dt", "1e-6", "use a larger --dt")]
    [InlineData("--rules", ",", "--rules names no rule")]
    [InlineData("--angles", ",", "--angles names no angle")]
    [InlineData("--finite-differences", "-1", "--finite-differences must be 0")]
    public void GradCheckRefusesSettingsThatCannotWork(string option, string value, string message)
    {
        var options = new Dictionary<string, string>
        {
            ["--layers"] = "784,16,10", ["--rules"] = "vf", ["--angles"] = "0", ["--batch-size"] = "2", ["--T1"] = "100", ["--T2"] = "100",
        };
        options[option] = value;
        AssertBadInput(["gradcheck", .. options.SelectMany(pair => new[] { pair.Key, pair.Value })], message);
    }

    [Fact]
    public void UnknownRule() => AssertBadInput(CliRunner.Train("--rule", "hebb"), "--rule", "hebb", "vf", "ep");

    [Fact]
    public void LayersThatDoNotFitTheData() =>
        AssertBadInput(["train", "--dataset", "synthetic", "--train-samples", "200", "--layers", "100,10", "--epochs", "2", "--batch-size", "20"],
            "--layers", "100", "784");

    [Fact]
    public void WrongNumberOfLearningRates() => AssertBadInput(CliRunner.Train("--lrs", "0.1,0.05,0.01"), "--lrs", "3 value(s)", "2 layer pairs");

    [Fact]
    public void LearningRateThatIsNotANumber() => AssertBadInput(CliRunner.Train("--lrs", "0.1,fast"), "--lrs", "fast");

    [Fact]
    public void NegativeCheckpointInterval() => AssertBadInput(CliRunner.Train("--checkpoint-every", "-1"), "--checkpoint-every", "-1");

    [Fact]
    public void EpRuleWithAnInitialAngle() => AssertBadInput(CliRunner.Train("--rule", "ep", "--init-angle", "45"), "--rule ep", "--init-angle", "45");

    [Fact]
    public void UnknownPhaseControl() =>
        AssertBadInput(CliRunner.Train("--engine", "actors", "--schedule", "async", "--phase-control", "global"), "--phase-control", "global", "coordinator", "local");

    [Fact]
    public void LocalPhaseControlWithoutAsync() =>
        AssertBadInput(CliRunner.Train("--engine", "actors", "--phase-control", "local"), "--phase-control local", "--schedule async");

    [Fact]
    public void UnknownUpdateForm() => AssertBadInput(CliRunner.Train("--update", "hebbian"), "--update", "hebbian", "two-phase", "stdp", "continual");

    [Fact]
    public void LearningInTimeWithTheSymmetricRule() =>
        AssertBadInput(CliRunner.Train("--rule", "ep", "--init-angle", "0", "--update", "stdp"), "--update stdp", "--rule vf");

    [Fact]
    public void ContinualWithMomentum() => AssertBadInput(CliRunner.Train("--update", "continual", "--momentum", "0.9"), "--update continual", "--momentum 0.9");

    [Fact]
    public void MnistWithoutData() => AssertBadInput(["train", "--dataset", "mnist", "--epochs", "1"], "mnist", "--data");

    [Fact]
    public void UnknownDataset() => AssertBadInput(CliRunner.Train("--dataset", "cifar"), "cifar", "synthetic");

    [Fact]
    public void CorruptIdxFiles()
    {
        string data = _directory.File("idx");
        Directory.CreateDirectory(data);
        var garbage = new byte[100];
        new Random(5).NextBytes(garbage);
        foreach (var name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
            File.WriteAllBytes(Path.Combine(data, name), garbage);

        AssertBadInput(["train", "--dataset", "mnist", "--data", data, "--epochs", "1"],
            Path.Combine(data, "train-images-idx3-ubyte"), "magic number");
    }

    [Fact]
    public void MissingIdxFile()
    {
        string data = _directory.File("empty-idx");
        Directory.CreateDirectory(data);
        AssertBadInput(["train", "--dataset", "mnist", "--data", data, "--epochs", "1"], "train-images-idx3-ubyte", "--data");
    }

    [Fact]
    public void OutUnderAnExistingFile()
    {
        string file = _directory.Write("not-a-folder", [1, 2, 3]);
        string output = Path.Combine(file, "run");
        AssertBadInput(CliRunner.Train("--out", output), "--out", output);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(file));
    }

    [Fact]
    public void ResumeFromAnEmptyFolder()
    {
        string empty = _directory.File("empty");
        Directory.CreateDirectory(empty);
        AssertBadInput(["train", "--resume", empty], "--resume", empty, "config.json");
        Assert.Empty(Directory.GetFileSystemEntries(empty));
    }

    [Fact]
    public void ResumeFromAFolderWithoutCheckpoint()
    {
        // What a run that failed before its first epoch leaves behind: config.json only.
        string run = _directory.File("run");
        CliRunner.RunOk(CliRunner.Train("--out", run));
        File.Delete(Path.Combine(run, "checkpoint.npz"));
        AssertBadInput(["train", "--resume", run], "checkpoint.npz");
    }

    [Fact]
    public void TrainSamplesOutOfRange() => AssertBadInput(CliRunner.Train("--train-samples", "0"), "--train-samples", "0");

    [Fact]
    public void OptionValueOfTheWrongType() => AssertBadInput(CliRunner.Train("--T1", "many"), "--T1", "many");

    [Fact]
    public void MisspelledOption() => AssertBadInput(CliRunner.Train("--lrss", "0.1,0.05"), "--lrss");

    [Fact]
    public void NegativeDelay() =>
        AssertBadInput(CliRunner.Train("--engine", "actors", "--schedule", "async", "--delay", "-0.5"), "--delay", "-0.5", "units of τ");

    [Fact]
    public void NegativeTauSpread() =>
        AssertBadInput(CliRunner.Train("--engine", "actors", "--schedule", "async", "--tau-spread", "-1"), "--tau-spread", "-1");

    [Fact]
    public void TauSpreadWithoutAsync() =>
        AssertBadInput(CliRunner.Train("--engine", "actors", "--tau-spread", "0.5"), "--tau-spread", "--schedule async");

    [Fact]
    public void DelayInStepsIsNoLongerAnOption() => AssertBadInput(CliRunner.Train("--delay-steps", "2"), "--delay-steps");
}

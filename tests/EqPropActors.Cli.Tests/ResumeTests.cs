using System.Text.Json;
using EqPropActors.Core.Checkpoints;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Tests;

/// <summary><c>train --resume</c> continues a run exactly as the uninterrupted run would have gone on.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ResumeTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData()]
    [InlineData("--momentum", "0.5")] // the optimizer velocity must be saved and restored too
    [InlineData("--random-sign")] // the sign of beta is drawn per epoch from the seed
    [InlineData("--persistent")] // each sample's free fixed point carries over to the next epoch
    [InlineData("--update", "stdp", "--momentum", "0.5")] // the update form is a setting of the run, kept in config.json
    [InlineData("--update", "continual")]
    public void ResumedRun_EndsBitIdenticalToTheUninterruptedOne(params string[] options)
    {
        string a = _directory.File("a"), b = _directory.File("b");
        CliRunner.RunOk(CliRunner.Train([.. options, "--out", a]));
        CliRunner.RunOk(CliRunner.Train([.. options, "--epochs", "1", "--out", b]));
        Assert.Equal(1, NpzArchive.Read(Path.Combine(b, RunDirectory.CheckpointFile))["completed_epochs"].ScalarValue<int>());

        var resumed = CliRunner.RunOk("train", "--resume", b, "--epochs", "2");
        Assert.Contains("after epoch 1 of 2", resumed.Flat);

        var weightsA = RunFolder.CheckpointWeights(a);
        var weightsB = RunFolder.CheckpointWeights(b);
        if (options.Contains("--momentum"))
            Assert.Contains("velocity_Wff1", weightsA.Keys);
        Assert.True(weightsA.Keys.SequenceEqual(weightsB.Keys) && weightsA.Keys.All(n => RunFolder.BitIdentical(weightsA[n], weightsB[n])),
            $"resumed run differs from the uninterrupted one ({string.Join(' ', options)}): " + RunFolder.DescribeDifference(weightsA, weightsB));
        Assert.Equal(2, NpzArchive.Read(Path.Combine(b, RunDirectory.CheckpointFile))["completed_epochs"].ScalarValue<int>());

        var (_, rows) = RunFolder.Metrics(b);
        Assert.Equal(["1", "2"], rows.Select(r => r[0]).ToArray());
        Assert.Equal(DeterminismTests.WithoutTimings(a), DeterminismTests.WithoutTimings(b));
        using var results = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(b, RunDirectory.ResultsFile)));
        Assert.Equal(2, results.RootElement.GetProperty("epochs").GetInt32());
        using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(b, RunDirectory.ConfigFile)));
        Assert.Equal(2, config.RootElement.GetProperty("epochs").GetInt32());
    }
}

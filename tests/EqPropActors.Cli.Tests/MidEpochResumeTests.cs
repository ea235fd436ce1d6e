using System.Text.Json;
using EqPropActors.Cli.Commands;
using EqPropActors.Core.Checkpoints;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Tests;

/// <summary>
/// <c>train --checkpoint-every</c> and Ctrl+C leave a checkpoint inside an epoch, and <c>--resume</c> continues from
/// it exactly as the uninterrupted run went on. The small run has 10 minibatches of 20 per epoch and prints a progress
/// line after each, which is where these tests act.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class MidEpochResumeTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static bool IsProgressLine(string line, int epoch, int samplesDone) =>
        line.StartsWith($"epoch {epoch}/2: ", StringComparison.Ordinal) && line.Contains($"({samplesDone}/200)", StringComparison.Ordinal);

    [Theory]
    [InlineData()]
    [InlineData("--momentum", "0.5")]
    [InlineData("--random-sign")]
    [InlineData("--persistent")]
    public void KilledAfterACheckpointInsideAnEpoch_ResumeEndsBitIdentical(params string[] options)
    {
        string reference = _directory.File("reference"), run = _directory.File("run"), killed = _directory.File("killed");
        CliRunner.RunOk(CliRunner.Train([.. options, "--out", reference]));

        // After minibatch 5 of epoch 2 the newest checkpoint is the one after minibatch 3: a copy of the folder then
        // is what a killed process would have left behind.
        var full = CliRunner.Run(CliRunner.Train([.. options, "--checkpoint-every", "3", "--out", run]),
            line => { if (IsProgressLine(line, 2, 100)) CopyFiles(run, killed); }, CancellationToken.None);
        Assert.True(full.Thrown is null && full.ExitCode == 0, $"expected success\n{full}");
        var checkpoint = NpzArchive.Read(Path.Combine(killed, RunDirectory.CheckpointFile));
        Assert.Equal((1, 3), (checkpoint["completed_epochs"].ScalarValue<int>(), checkpoint["minibatches_done"].ScalarValue<int>()));

        var resumed = CliRunner.RunOk("train", "--resume", killed);
        Assert.Contains("after minibatch 3 of epoch 2", resumed.Flat);

        AssertSameRun(reference, run);
        AssertSameRun(reference, killed);
        using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(killed, RunDirectory.ConfigFile)));
        Assert.Equal(3, config.RootElement.GetProperty("checkpoint-every").GetInt32());
    }

    [Fact]
    public void CtrlC_SavesTheLastMinibatch_SaysWhere_AndResumeEndsBitIdentical()
    {
        string reference = _directory.File("reference"), run = _directory.File("run");
        CliRunner.RunOk(CliRunner.Train("--out", reference));

        using var ctrlC = new CancellationTokenSource();
        var interrupted = CliRunner.Run(CliRunner.Train("--out", run),
            line => { if (IsProgressLine(line, 2, 80)) ctrlC.Cancel(); }, ctrlC.Token);
        Assert.True(interrupted.Thrown is null && interrupted.ExitCode == ExitCodes.Interrupted, $"expected exit code {ExitCodes.Interrupted}\n{interrupted}");
        Assert.Contains($"The checkpoint after minibatch 4 of epoch 2 is in {Path.Combine(run, RunDirectory.CheckpointFile)}", interrupted.Flat);
        Assert.Contains($"--resume {run}", interrupted.Flat);
        Assert.Equal(4, NpzArchive.Read(Path.Combine(run, RunDirectory.CheckpointFile))["minibatches_done"].ScalarValue<int>());

        // --checkpoint-every may change on resume (it does not change the results); it is kept in config.json.
        var resumed = CliRunner.RunOk("train", "--resume", run, "--checkpoint-every", "4");
        Assert.DoesNotContain("ignoring", resumed.Flat);
        using (var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(run, RunDirectory.ConfigFile))))
            Assert.Equal(4, config.RootElement.GetProperty("checkpoint-every").GetInt32());
        AssertSameRun(reference, run);
    }

    private static void AssertSameRun(string expected, string actual)
    {
        var weightsA = RunFolder.CheckpointWeights(expected);
        var weightsB = RunFolder.CheckpointWeights(actual);
        Assert.True(weightsA.Keys.SequenceEqual(weightsB.Keys) && weightsA.Keys.All(n => RunFolder.BitIdentical(weightsA[n], weightsB[n])),
            $"{actual} differs from {expected}: " + RunFolder.DescribeDifference(weightsA, weightsB));
        Assert.Equal(DeterminismTests.WithoutTimings(expected), DeterminismTests.WithoutTimings(actual));
    }

    private static void CopyFiles(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}

using System.Text.Json;
using EqPropActors.Cli.Commands;
using EqPropActors.Cli.Tracing;
using EqPropActors.Core.Checkpoints;
using EqPropActors.Core.Tracing;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Tests;

/// <summary>train --trace-every N: a trace folder every N epochs, and not one bit of training changed by it.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class TraceEveryTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void TracesEveryNthEpoch_AndTrainsTheSameBitsAsWithoutTraces()
    {
        string traced = _directory.File("traced"), plain = _directory.File("plain");
        CliRunner.RunOk(CliRunner.Train("--epochs", "3", "--trace-every", "2", "--momentum", "0.5", "--out", traced));
        CliRunner.RunOk(CliRunner.Train("--epochs", "3", "--momentum", "0.5", "--out", plain));

        var tracedWeights = RunFolder.CheckpointWeights(traced);
        var plainWeights = RunFolder.CheckpointWeights(plain);
        Assert.True(tracedWeights.Keys.SequenceEqual(plainWeights.Keys) && tracedWeights.Keys.All(k => RunFolder.BitIdentical(tracedWeights[k], plainWeights[k])),
            RunFolder.DescribeDifference(tracedWeights, plainWeights));

        Assert.Equal(["epoch-2"], Directory.GetDirectories(Path.Combine(traced, EpochTracer.Folder)).Select(Path.GetFileName));
        string folder = EpochTracer.FolderOf(traced, 2);
        Assert.Equal([40 + 8, 8, 32], NpzArchive.Read(Path.Combine(folder, TraceFiles.ArraysFile))["L1G0_state"].Shape);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, TraceFiles.DescriptionFile)));
        Assert.Equal(2, json.RootElement.GetProperty("epoch").GetInt32());
        Assert.True(File.Exists(Path.Combine(folder, TracePlots.Residuals)));
    }

    [Fact]
    public void TheTraceOfAnEpochIsTheTraceCommandsOfThatEpochsCheckpoint()
    {
        string run = _directory.File("run");
        CliRunner.RunOk(CliRunner.Train("--epochs", "1", "--trace-every", "1", "--validation", "40", "--out", run));
        CliRunner.RunOk("trace", run);

        var during = NpzArchive.Read(Path.Combine(EpochTracer.FolderOf(run, 1), TraceFiles.ArraysFile));
        var after = NpzArchive.Read(Path.Combine(run, TraceCommand.DefaultFolder, TraceFiles.ArraysFile));
        Assert.Equal(after.Arrays.Select(a => a.Name), during.Arrays.Select(a => a.Name));
        foreach (var array in after.Arrays.Where(a => a.DType == NpyDType.Float32))
            Assert.True(RunFolder.BitIdentical(array.AsFloat32(), during[array.Name].AsFloat32()), $"{array.Name} differs");
    }

    [Fact]
    public void WithoutAnOutFolderItIsRefused()
    {
        var refused = CliRunner.Run(CliRunner.Train("--trace-every", "1"));
        Assert.True(refused.ExitCode == ExitCodes.BadInput, refused.ToString());
        Assert.Contains("--trace-every 1 writes traces into the run folder: give --out DIR", refused.Flat);
    }

    [Fact]
    public void OverwriteRemovesTheEarlierRunsTraces()
    {
        string run = _directory.File("run");
        CliRunner.RunOk(CliRunner.Train("--epochs", "1", "--trace-every", "1", "--out", run));
        CliRunner.RunOk("trace", run, "--samples", "2");

        CliRunner.RunOk(CliRunner.Train("--epochs", "1", "--out", run, "--overwrite"));

        Assert.False(Directory.Exists(Path.Combine(run, RunDirectory.EpochTracesFolder)), "the earlier run's traces survived --overwrite");
        Assert.False(Directory.Exists(Path.Combine(run, RunDirectory.TraceFolder)), "the earlier run's trace survived --overwrite");
    }
}

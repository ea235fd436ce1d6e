using System.Text.Json;
using EqPropActors.Cli.Commands;
using EqPropActors.Cli.Tracing;
using EqPropActors.Core.Checkpoints;
using EqPropActors.Core.Tracing;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Tests;

/// <summary>
/// eqprop trace: reads a run folder, relaxes the probe samples with its weights through the run's phases and writes the
/// trace; run again, it replaces the earlier trace; a missing or damaged run folder is refused naming the file.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class TraceCommandTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string TrainedRun(params string[] extra)
    {
        string run = _directory.File("run");
        CliRunner.RunOk(CliRunner.Train(["--T1", "12", "--T2", "3", "--out", run, .. extra]));
        return run;
    }

    [Fact]
    public void TracesTheRunsPhasesIntoRunDirTrace_AndASecondTraceReplacesTheFirst()
    {
        string run = TrainedRun("--validation", "40", "--groups-per-layer", "2");

        var first = CliRunner.RunOk("trace", run, "--samples", "5");
        string folder = Path.Combine(run, TraceCommand.DefaultFolder);
        Assert.Contains($"trace written to {folder}", first.Flat);
        var archive = NpzArchive.Read(Path.Combine(folder, TraceFiles.ArraysFile));
        Assert.Equal([15, 5, 16], archive["L1G0_state"].Shape);
        Assert.Equal([15, 5, 16], archive["L1G1_rate"].Shape);
        Assert.Equal([15, 5], archive["L2G0_residual"].Shape);
        Assert.Equal([0, 12], archive["phase_start"].AsInt32());
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, TraceFiles.DescriptionFile))))
        {
            Assert.Equal("validation", json.RootElement.GetProperty("probe_set").GetString());
            Assert.Equal(2, json.RootElement.GetProperty("epoch").GetInt32());
        }

        foreach (var plot in TracePlots.StepPlots)
            Assert.Equal(RunFolder.PngSignature, File.ReadAllBytes(Path.Combine(folder, plot)).Take(8));

        CliRunner.RunOk("trace", run, "--samples", "3", "--groups", "L2G0");
        archive = NpzArchive.Read(Path.Combine(folder, TraceFiles.ArraysFile));
        Assert.Equal([15, 3, 10], archive["L2G0_state"].Shape);
        Assert.False(archive.Contains("L1G0_state"), "the first trace's arrays survived the second");
        Assert.True(File.Exists(Path.Combine(folder, TracePlots.OutputNudge)), "the output group L2G0 was traced, but its nudge plot is missing");
        Assert.False(File.Exists(Path.Combine(folder, TimelinePlot.File)), "a timeline for a batch-engine trace, which has no group clocks");
        // Nothing but the run's files and the trace folder: no staging or retired folder left behind.
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(run), e => Path.GetFileName(e).StartsWith(".trace", StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutAValidationSplitTheProbeIsTheTestSetsFirstSamples()
    {
        string run = TrainedRun();
        string output = _directory.File("elsewhere/trace-of-run");

        CliRunner.RunOk("trace", run, "--out", output, "--checkpoint", Path.Combine(run, RunDirectory.CheckpointFile), "--groups", "L1G0");

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, TraceFiles.DescriptionFile)));
        Assert.Equal("test", json.RootElement.GetProperty("probe_set").GetString());
        Assert.Equal(ProbeRelaxation.DefaultSamples, json.RootElement.GetProperty("samples").GetInt32());
        Assert.Equal(Enumerable.Range(0, ProbeRelaxation.DefaultSamples),
            NpzArchive.Read(Path.Combine(output, TraceFiles.ArraysFile))["sample_index"].AsInt32());
        // Hidden groups only: there are no output units to plot against the target.
        Assert.True(File.Exists(Path.Combine(output, TracePlots.NeuronStates)));
        Assert.False(File.Exists(Path.Combine(output, TracePlots.OutputNudge)), "a nudge plot without the output group");
    }

    [Fact]
    public void AMissingRunFolderOrConfigIsRefusedNamingIt()
    {
        string absent = _directory.File("no-such-run");
        var refused = CliRunner.Run("trace", absent);
        Assert.True(refused.ExitCode == ExitCodes.BadInput, refused.ToString());
        Assert.Contains($"there is no folder '{absent}'", refused.Flat);

        string empty = _directory.File("empty");
        Directory.CreateDirectory(empty);
        refused = CliRunner.Run("trace", empty);
        Assert.True(refused.ExitCode == ExitCodes.BadInput, refused.ToString());
        Assert.Contains($"no {RunDirectory.ConfigFile} in '{empty}'", refused.Flat);
    }

    [Theory]
    [InlineData(RunDirectory.ConfigFile, "not a valid run configuration")]
    [InlineData(RunDirectory.CheckpointFile, "not a readable zip archive")]
    public void ACorruptRunFileIsRefusedNamingTheFile(string file, string problem)
    {
        string run = TrainedRun();
        File.WriteAllText(Path.Combine(run, file), "{ half a fi");

        var refused = CliRunner.Run("trace", run);

        Assert.True(refused.ExitCode == ExitCodes.BadInput, refused.ToString());
        Assert.Contains(Path.Combine(run, file), refused.Flat);
        Assert.Contains(problem, refused.Flat);
        Assert.False(Directory.Exists(Path.Combine(run, TraceCommand.DefaultFolder)));
    }

    [Fact]
    public void AMissingBestCheckpointSaysWhyThereIsNone()
    {
        string run = TrainedRun();
        var refused = CliRunner.Run("trace", run, "--checkpoint", "best");
        Assert.True(refused.ExitCode == ExitCodes.BadInput, refused.ToString());
        Assert.Contains(Path.Combine(run, RunDirectory.BestCheckpointFile), refused.Flat);
        Assert.Contains("only runs with --validation choose a best epoch", refused.Flat);
    }

    [Theory]
    [InlineData("--groups", "L3G0", "'L3G0' is not a group of the 784-32-10 network")]
    [InlineData("--samples", "0", "--samples must be between 1 and 2000")]
    public void BadOptionsAreRefusedNamingTheValue(string option, string value, string expected)
    {
        string run = TrainedRun();
        var refused = CliRunner.Run("trace", run, option, value);
        Assert.True(refused.ExitCode == ExitCodes.BadInput, refused.ToString());
        Assert.Contains(expected, refused.Flat);
    }

    [Fact]
    public void AnOutFolderHoldingOtherFilesIsRefusedAndLeftAlone()
    {
        string run = TrainedRun();
        string folder = _directory.File("notes");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "ideas.txt"), "precious");

        var refused = CliRunner.Run("trace", run, "--out", folder);

        Assert.True(refused.ExitCode == ExitCodes.BadInput, refused.ToString());
        Assert.Contains("holds ideas.txt, which a trace does not write; nothing was changed", refused.Flat);
        Assert.Equal(["ideas.txt"], Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName));
    }
}

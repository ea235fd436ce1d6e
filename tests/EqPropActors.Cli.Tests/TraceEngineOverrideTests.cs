using System.Text.Json;
using System.Text.Json.Nodes;
using EqPropActors.Cli.Commands;
using EqPropActors.Cli.Tracing;
using EqPropActors.Cluster.Hosting;
using EqPropActors.Core.Checkpoints;
using EqPropActors.Core.Tracing;

namespace EqPropActors.Cli.Tests;

/// <summary>
/// eqprop trace --engine/--schedule and the async options: a batch run traced on the actor engine's sync schedule gives
/// the batch trace bit for bit; on the async schedule it adds each group's clock, views and messages and timeline.png;
/// bad combinations are refused naming the option.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class TraceEngineOverrideTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string TrainedRun(params string[] extra)
    {
        string run = _directory.File("run");
        CliRunner.RunOk(CliRunner.Train(["--T1", "12", "--T2", "3", "--groups-per-layer", "2", "--epochs", "1", "--out", run, .. extra]));
        return run;
    }

    [Fact]
    public void WithoutOptionsARunIsTracedOnItsOwnEngineAndSchedule_AndOptionsOverrideIt()
    {
        string run = TrainedRun("--engine", "actors", "--schedule", "async", "--delay", "0.5");

        var own = CliRunner.RunOk("trace", run, "--samples", "2");
        Assert.Contains("actor engine, async schedule (delay 0.5)", own.Flat);
        string folder = Path.Combine(run, TraceCommand.DefaultFolder);
        Assert.True(NpzArchive.Read(Path.Combine(folder, TraceFiles.ArraysFile)).Contains("L1G0_view_step"), "the run's async schedule left no clock arrays");
        Assert.True(File.Exists(Path.Combine(folder, TimelinePlot.File)), "the run's async schedule left no timeline.png");

        var overridden = CliRunner.RunOk("trace", run, "--samples", "2", "--delay", "0", "--jitter", "1");
        Assert.Contains("actor engine, async schedule (jitter 1)", overridden.Flat);

        var batch = CliRunner.RunOk("trace", run, "--samples", "2", "--engine", "batch");
        Assert.Contains("batch engine", batch.Flat);
        Assert.Contains("whose relaxation differs from the async schedule's", batch.Flat);
        Assert.False(NpzArchive.Read(Path.Combine(folder, TraceFiles.ArraysFile)).Contains("L1G0_view_step"), "a batch trace with async clock arrays");
        Assert.False(File.Exists(Path.Combine(folder, TimelinePlot.File)), "the async trace's timeline survived the batch trace that replaced it");
    }

    [Fact]
    public void TheActorEnginesSyncScheduleTracesTheBatchEnginesTraceBitForBit()
    {
        string run = TrainedRun();
        string batch = _directory.File("batch"), actors = _directory.File("actors");

        CliRunner.RunOk("trace", run, "--samples", "4", "--out", batch);
        var traced = CliRunner.RunOk("trace", run, "--samples", "4", "--out", actors, "--engine", "actors", "--schedule", "sync");

        Assert.Contains("actor engine, sync schedule", traced.Flat);
        var expected = NpzArchive.Read(Path.Combine(batch, TraceFiles.ArraysFile));
        var actual = NpzArchive.Read(Path.Combine(actors, TraceFiles.ArraysFile));
        Assert.Equal(expected.Arrays.Select(a => a.Name).Order(), actual.Arrays.Select(a => a.Name).Order());
        foreach (var array in expected.Arrays)
        {
            Assert.Equal(array.Shape, actual[array.Name].Shape);
            Assert.True(Bits(array).SequenceEqual(Bits(actual[array.Name])), $"{array.Name} differs between the batch engine and the actors' sync schedule");
        }
        Assert.False(File.Exists(Path.Combine(actors, TimelinePlot.File)), "a timeline for the sync schedule, whose groups share one clock");
    }

    [Fact]
    public void TheAsyncScheduleAddsClocksViewsMessagesAndATimeline()
    {
        string run = TrainedRun();
        string output = _directory.File("async");

        var traced = CliRunner.RunOk("trace", run, "--samples", "3", "--out", output, "--engine", "actors", "--schedule", "async",
            "--delay", "0.5", "--jitter", "0.5");

        Assert.Contains("async schedule (delay 0.5, jitter 0.5", traced.Flat);
        var archive = NpzArchive.Read(Path.Combine(output, TraceFiles.ArraysFile));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, TraceFiles.DescriptionFile)));
        Assert.StartsWith("actor engine, async schedule", json.RootElement.GetProperty("schedule").GetString());
        var arrays = json.RootElement.GetProperty("arrays");
        foreach (var group in json.RootElement.GetProperty("groups").EnumerateArray())
        {
            string g = group.GetProperty("name").GetString()!;
            int steps = group.GetProperty("steps").GetInt32(), units = group.GetProperty("units").GetInt32();
            Assert.InRange(steps, 1, 15);
            Assert.Equal([steps, 3, units], archive[$"{g}_state"].Shape);
            Assert.Equal([steps], archive[$"{g}_step"].Shape);
            Assert.Equal([steps], archive[$"{g}_step_time"].Shape);
            int sources = archive[$"{g}_view_source"].Shape[0];
            Assert.Equal([steps, sources], archive[$"{g}_view_step"].Shape);
            int[] clocks = archive[$"{g}_step"].AsInt32(), views = archive[$"{g}_view_step"].AsInt32();
            for (int s = 0; s < steps; s++)
                for (int i = 0; i < sources; i++)
                    Assert.True(views[s * sources + i] <= clocks[s], $"{g} step {s}: view step {views[s * sources + i]} after its clock {clocks[s]}");
            double[] times = archive[$"{g}_step_time"].AsFloat64();
            Assert.True(times.Zip(times.Skip(1)).All(pair => pair.First <= pair.Second), $"{g}_step_time is not in the order the steps were taken");
            Assert.Equal(3, archive[$"{g}_sent"].Shape[1]);
            Assert.Equal(4, archive[$"{g}_received"].Shape[1]);
            Assert.True(archive[$"{g}_received"].Shape[0] > 0, $"{g} received nothing");
            foreach (string array in new[] { "step", "step_phase", "step_time", "view_source", "view_step", "sent", "received" })
                Assert.True(arrays.TryGetProperty($"{g}_{array}", out _), $"trace.json does not describe {g}_{array}");
        }
        Assert.Equal(RunFolder.PngSignature, File.ReadAllBytes(Path.Combine(output, TimelinePlot.File)).Take(8));
        foreach (var plot in new[] { TracePlots.NeuronStates, TracePlots.Residuals, TracePlots.OutputNudge })
            Assert.Equal(RunFolder.PngSignature, File.ReadAllBytes(Path.Combine(output, plot)).Take(8));
    }

    /// <summary>
    /// A cluster run is traced where it ran, with the configuration file it was trained with: here no worker comes, and
    /// the trace ends within the file's join-timeout naming it. Once that file is gone, the run is traced on the same
    /// group actors in this process, with a note.
    /// </summary>
    [Fact]
    public void AClusterRunIsTracedOnTheClusterWithItsOwnFile_OrInThisProcessOnceTheFileIsGone()
    {
        string run = TrainedRun();
        string file = _directory.File("coordinator.conf");
        File.WriteAllText(file, LocalWorkers.LoopbackCoordinatorConfig(LocalWorkers.FreePort(), expectedWorkers: 1) + "\neqprop.cluster.join-timeout = 3s");
        // What config.json says of a run trained with --engine cluster --cluster-config FILE.
        string configPath = Path.Combine(run, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        (config["engine"], config["cluster-config"]) = ("cluster", file);
        File.WriteAllText(configPath, config.ToJsonString());

        var waited = CliRunner.Run("trace", run, "--samples", "2", "--out", _directory.File("on-cluster"));
        Assert.True(waited.ExitCode == ExitCodes.Failure, waited.ToString());
        Assert.Contains("for 1 worker(s) to start, 0 joined", waited.Flat);
        Assert.Contains(file, waited.Flat);
        Assert.False(Directory.Exists(_directory.File("on-cluster")), "a trace that found no workers wrote its folder");

        File.Delete(file);
        var local = CliRunner.RunOk("trace", run, "--samples", "2", "--out", _directory.File("here"));
        Assert.Contains("is gone; the trace relaxes with its group actors in this process", local.Flat);
        Assert.Contains("actor engine, sync schedule", local.Flat);
    }

    /// <summary>The values as bit patterns, so that equal means bit for bit (and NaN equals NaN).</summary>
    private static long[] Bits(NpyArray array) => array.DType switch
    {
        NpyDType.Float32 => array.AsFloat32().Select(v => (long)BitConverter.SingleToInt32Bits(v)).ToArray(),
        NpyDType.Float64 => array.AsFloat64().Select(BitConverter.DoubleToInt64Bits).ToArray(),
        NpyDType.Int32 => array.AsInt32().Select(v => (long)v).ToArray(),
        _ => array.AsInt64(),
    };

    [Theory]
    [InlineData(new[] { "--engine", "cluster" }, "--engine cluster needs --cluster-config <FILE>")]
    [InlineData(new[] { "--engine", "whole" }, "--engine: 'whole' is not one of batch, actors, cluster")]
    [InlineData(new[] { "--engine", "actors", "--cluster-config", "coordinator.conf" }, "--cluster-config is for --engine cluster, not --engine actors")]
    [InlineData(new[] { "--engine", "batch", "--schedule", "async" }, "--schedule async needs --engine actors")]
    [InlineData(new[] { "--engine", "actors", "--schedule", "later" }, "--schedule: 'later' is not one of sync, async")]
    [InlineData(new[] { "--engine", "actors", "--schedule", "async", "--delay", "-1" }, "--delay must be a non-negative time")]
    [InlineData(new[] { "--engine", "actors", "--schedule", "async", "--send-mode", "often" }, "--send-mode: 'often' is not one of threshold, sigma-delta")]
    public void BadEngineOptionsAreRefusedNamingTheOption(string[] options, string expected)
    {
        string run = TrainedRun();
        var refused = CliRunner.Run(["trace", run, "--out", _directory.File("refused"), .. options]);
        Assert.True(refused.ExitCode == ExitCodes.BadInput, refused.ToString());
        Assert.Contains(expected, refused.Flat);
        Assert.False(Directory.Exists(_directory.File("refused")), "a refused trace wrote its folder");
    }
}

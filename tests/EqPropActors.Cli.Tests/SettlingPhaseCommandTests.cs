using System.Text.Json;
using EqPropActors.Cli.Commands;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Tests;

/// <summary>
/// --T1 auto / --T2 auto from the command line: the phases end when settled (fewer steps than the limit, recorded per
/// epoch in metrics.csv), config.json says "auto" and reruns the run bit for bit, and the engines that cannot do it
/// say so.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class SettlingPhaseCommandTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void AutomaticPhasesEndWhenSettled_AreRecorded_AndRerunFromConfigJson()
    {
        string run = _directory.File("auto");
        CliRunner.RunOk(CliRunner.Train("--T1", "auto", "--T2", "auto", "--tolerance", "0.01", "--out", run));

        var (header, rows) = RunFolder.Metrics(run);
        double freeSteps = RunFolder.Number(rows[^1][Array.IndexOf(header, "free_steps")]);
        double nudgedSteps = RunFolder.Number(rows[^1][Array.IndexOf(header, "nudged_steps")]);
        Assert.InRange(freeSteps, 1, PhaseLength.AutoStepLimit - 1);
        Assert.InRange(nudgedSteps, 1, PhaseLength.AutoStepLimit - 1);

        string config = Path.Combine(run, RunDirectory.ConfigFile);
        using (var json = JsonDocument.Parse(File.ReadAllBytes(config)))
        {
            Assert.Equal("auto", json.RootElement.GetProperty("T1").GetString());
            Assert.Equal("auto", json.RootElement.GetProperty("T2").GetString());
        }
        string rerun = _directory.File("rerun");
        CliRunner.RunOk("train", "--config", config, "--out", rerun);
        Assert.Equal(RunFolder.CheckpointWeights(run), RunFolder.CheckpointWeights(rerun));
    }

    [Fact]
    public void FixedPhasesRecordTheirSteps()
    {
        string run = _directory.File("fixed");
        CliRunner.RunOk(CliRunner.Train("--T1", "12", "--T2", "3", "--out", run));
        var (header, rows) = RunFolder.Metrics(run);
        Assert.Equal(12, RunFolder.Number(rows[0][Array.IndexOf(header, "free_steps")]));
        Assert.Equal(3, RunFolder.Number(rows[0][Array.IndexOf(header, "nudged_steps")]));
    }

    [Fact]
    public void TheActorEnginesRefuseAutomaticPhases()
    {
        var result = CliRunner.Run(CliRunner.Train("--T1", "auto", "--engine", "actors"));
        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("--T1/--T2 auto", result.Flat);
        Assert.Contains("batch engine only", result.Flat);
    }

    [Fact]
    public void APhaseLengthThatIsNeitherStepsNorAutoIsNamed()
    {
        var result = CliRunner.Run(CliRunner.Train("--T2", "soon"));
        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("--T2: 'soon' is neither a positive number of steps nor auto", result.Flat);
    }
}

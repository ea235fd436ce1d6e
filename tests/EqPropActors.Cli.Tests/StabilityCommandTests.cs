using System.Text.Json;
using System.Text.RegularExpressions;
using EqPropActors.Cli.Commands;
using EqPropActors.Core.Analysis;
using EqPropActors.Core.Data;
using EqPropActors.Core.Checkpoints;
using EqPropActors.Core.Network;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Tests;

/// <summary>
/// <c>eqprop stability</c>: the table has one row per delay, the JSON carries what the Core analysis computes for the same
/// settings, a delay in τ becomes ⌈delay/dt⌉ steps, and bad options end with exit code 2 naming option and value.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class StabilityCommandTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    /// <summary>About a second: a small network, short free phase, few samples and delays.</summary>
    private static readonly string[] SmallAnalysis = ["stability", "--layers", "784,32,10", "--T1", "300", "--samples", "4"];

    [Fact]
    public void PrintsOneRowPerDelayThenTheCriticalDelayAndTheMargin()
    {
        var result = CliRunner.RunOk([.. SmallAnalysis, "--max-delay-steps", "6"]);

        Assert.Contains("spectral radius: median", result.Output);
        for (int delay = 0; delay <= 6; delay++)
            Assert.Matches(new Regex($@"│ {delay}\s+│ {(delay * 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture)}\s+│ [01]\.\d{{4}}"), result.Output);
        Assert.DoesNotMatch(new Regex(@"│ 7\s+│"), result.Output);
        Assert.Contains("Critical delay (the first d whose spectral radius is ≥ 1)", result.Flat);
        Assert.Contains("Undelayed continuous-time margin", result.Flat);
    }

    [Theory]
    [InlineData(false, "J = W·diag(ρ'(s*))")]
    [InlineData(true, "D = diag(ρ''(s*)·u − 1)")]
    public void TheSummaryStatesTheMapOfTheDynamicsAnalysed(bool rhoPrime, string map)
    {
        var result = CliRunner.RunOk([.. SmallAnalysis, "--max-delay-steps", "1", .. (rhoPrime ? new[] { "--rho-prime" } : [])]);
        Assert.Contains(map, result.Flat);
    }

    [Fact]
    public void JsonRowsAreTheCoreAnalysisOfTheSameSettings()
    {
        var result = CliRunner.RunOk([.. SmallAnalysis, "--max-delay-steps", "5", "--json"]);
        using var json = JsonDocument.Parse(result.Output);
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToArray();

        var core = DelayedStability.Run(new DelayedStabilitySettings
        {
            Layers = [784, 32, 10], Weights = WeightInitializer.Create([784, 32, 10], 90, 1), FreeSteps = 300, Samples = 4, MaxDelaySteps = 5,
        }, DatasetCatalog.Load(DatasetCatalog.Synthetic, null).Train);

        Assert.Equal(6, rows.Length);
        for (int delay = 0; delay <= 5; delay++)
        {
            Assert.Equal(delay, rows[delay].GetProperty("delay_steps").GetInt32());
            Assert.Equal(core.Rows[delay].MedianRadius, rows[delay].GetProperty("median_radius").GetDouble(), 1e-12);
            Assert.Equal(core.Rows[delay].MaxRadius, rows[delay].GetProperty("max_radius").GetDouble(), 1e-12);
        }
        Assert.Equal(4, json.RootElement.GetProperty("per_sample").GetArrayLength());
        Assert.True(json.RootElement.TryGetProperty("critical_delay", out _));
    }

    [Fact]
    public void WeightsFromACheckpointAreTheOnesLinearised()
    {
        string run = _directory.File("vf-run");
        CliRunner.RunOk(CliRunner.Train("--out", run));
        string checkpoint = Path.Combine(run, RunDirectory.CheckpointFile);

        var result = CliRunner.RunOk([.. SmallAnalysis, "--max-delay-steps", "3", "--weights", checkpoint, "--json"]);
        using var json = JsonDocument.Parse(result.Output);
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToArray();

        var trained = DelayedStability.Run(new DelayedStabilitySettings
        {
            Layers = [784, 32, 10], Weights = Checkpoint.Load(checkpoint, [784, 32, 10]).Weights, FreeSteps = 300, Samples = 4, MaxDelaySteps = 3,
        }, DatasetCatalog.Load(DatasetCatalog.Synthetic, null).Train);
        var seeded = DelayedStability.Run(new DelayedStabilitySettings
        {
            Layers = [784, 32, 10], Weights = WeightInitializer.Create([784, 32, 10], 90, 1), FreeSteps = 300, Samples = 4, MaxDelaySteps = 3,
        }, DatasetCatalog.Load(DatasetCatalog.Synthetic, null).Train);
        for (int delay = 0; delay <= 3; delay++)
            Assert.Equal(trained.Rows[delay].MedianRadius, rows[delay].GetProperty("median_radius").GetDouble(), 1e-12);
        Assert.NotEqual(seeded.Rows[0].MedianRadius, trained.Rows[0].MedianRadius); // training moved the weights the command read
    }

    [Fact]
    public void ADelayInTauBecomesTheStepsThatCoverIt()
    {
        var result = CliRunner.RunOk([.. SmallAnalysis, "--dt", "0.4", "--max-delay", "1.3", "--json"]);
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal(4, json.RootElement.GetProperty("max_delay_steps").GetInt32()); // ⌈1.3 / 0.4⌉ = ⌈3.25⌉
        Assert.Equal(5, json.RootElement.GetProperty("rows").GetArrayLength());
    }

    [Theory]
    [InlineData(new[] { "--max-delay-steps", "-1" }, "--max-delay-steps", "-1")]
    [InlineData(new[] { "--max-delay-steps", "101" }, "--max-delay-steps", "101")]
    [InlineData(new[] { "--max-delay-steps", "many" }, "--max-delay-steps", "many")]
    [InlineData(new[] { "--max-delay", "-0.5" }, "--max-delay", "-0.5")]
    [InlineData(new[] { "--max-delay", "100" }, "--max-delay", "100")]
    [InlineData(new[] { "--max-delay-steps", "3", "--max-delay", "1" }, "--max-delay-steps 3", "--max-delay 1")]
    [InlineData(new[] { "--samples", "0" }, "--samples", "0")]
    [InlineData(new[] { "--samples", "100000" }, "--samples", "100000")]
    [InlineData(new[] { "--dt", "0" }, "--dt", "0")]
    [InlineData(new[] { "--dt", "1.5" }, "--dt", "1.5")]
    [InlineData(new[] { "--T1", "0" }, "--T1", "0")]
    [InlineData(new[] { "--rule", "hebb" }, "--rule", "hebb")]
    [InlineData(new[] { "--rule", "ep", "--init-angle", "30" }, "--init-angle", "30")]
    [InlineData(new[] { "--init-angle", "120" }, "--init-angle", "120")]
    [InlineData(new[] { "--layers", "784,32,7" }, "--layers", "784-32-7", "10 classes")]
    [InlineData(new[] { "--weights", "/nonexistent/checkpoint.npz" }, "/nonexistent/checkpoint.npz")]
    [InlineData(new[] { "--delay-steps", "3" }, "--delay-steps")] // the schedule's option: the analysis sweeps the delay itself
    public void BadOptionsAreNamedWithTheirValue(string[] options, params string[] mustMention)
    {
        var result = CliRunner.Run([.. SmallAnalysis, .. options]);

        Assert.True(result.Thrown is null, $"Main threw instead of returning an exit code\n{result}");
        Assert.True(result.ExitCode == ExitCodes.BadInput, $"expected exit code {ExitCodes.BadInput} (bad input)\n{result}");
        Assert.Contains("error:", result.Flat);
        foreach (var text in mustMention)
            Assert.True(result.Flat.Contains(text, StringComparison.Ordinal), $"the message should mention '{text}'\n{result}");
    }
}

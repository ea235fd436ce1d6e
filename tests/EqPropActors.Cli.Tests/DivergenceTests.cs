using System.Globalization;
using EqPropActors.Cli.Commands;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Tests;

/// <summary>A run whose weights blow up stops with exit code 3, says so, and keeps only a finite checkpoint.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class DivergenceTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("1e30,1e30", "1")] // weights explode, but the states are clipped to [0, 1] and stay finite
    [InlineData("3e38,3e38", "1", "--momentum", "0.9")] // weights overflow to infinity, NaN states
    public void AbsurdLearningRate_EndsWithDivergedAndAFiniteCheckpoint(string rates, string beta, params string[] extra)
    {
        string run = _directory.File("run");
        var result = CliRunner.Run(CliRunner.Train(["--lrs", rates, "--beta", beta, .. extra, "--out", run]));
        string checkpoint = Path.Combine(run, RunDirectory.CheckpointFile);
        string weights = File.Exists(checkpoint) ? DescribeMagnitudes(checkpoint) : "no checkpoint";

        Assert.True(result.Thrown is null, $"Main threw\n{result}");
        Assert.True(result.ExitCode == ExitCodes.Diverged,
            $"expected exit code {ExitCodes.Diverged} (diverged); checkpoint weights: {weights}\n{result}");
        Assert.Contains("diverged", result.Flat, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("--lrs", result.Flat);

        var (_, rows) = File.Exists(Path.Combine(run, RunDirectory.MetricsFile)) ? RunFolder.Metrics(run) : ([], []);
        if (rows.Length > 0)
        {
            Assert.True(File.Exists(checkpoint), "an epoch finished but no checkpoint was kept");
            Assert.True(RunFolder.CheckpointWeights(run).Values.All(v => v.All(float.IsFinite)), $"the kept checkpoint is not finite: {weights}");
            Assert.Contains(checkpoint, result.Flat);
        }
        else
        {
            Assert.False(File.Exists(checkpoint), "no epoch finished, yet a checkpoint was written");
            Assert.Contains("No epoch completed", result.Flat);
        }
    }

    private static string DescribeMagnitudes(string checkpoint) => string.Join(", ", RunFolder.FloatArrays(checkpoint).Select(kv =>
        string.Create(CultureInfo.InvariantCulture,
            $"{kv.Key} max|w|={kv.Value.Select(Math.Abs).DefaultIfEmpty(0).Max():G3} finite={kv.Value.All(float.IsFinite)}")));
}

namespace EqPropActors.Cli.Tests;

/// <summary>The same seed reproduces a run bit for bit; another seed does not.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class DeterminismTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void SameSeed_GivesBitIdenticalWeights_OtherSeedDoesNot()
    {
        string a = _directory.File("a"), b = _directory.File("b"), c = _directory.File("c");
        CliRunner.RunOk(CliRunner.Train("--seed", "3", "--out", a));
        CliRunner.RunOk(CliRunner.Train("--seed", "3", "--out", b));
        CliRunner.RunOk(CliRunner.Train("--seed", "4", "--out", c));

        var weightsA = RunFolder.CheckpointWeights(a);
        var weightsB = RunFolder.CheckpointWeights(b);
        var weightsC = RunFolder.CheckpointWeights(c);
        Assert.Contains("Wff1", weightsA.Keys);
        Assert.Contains("Wfb1", weightsA.Keys);
        Assert.True(weightsA.Keys.All(name => RunFolder.BitIdentical(weightsA[name], weightsB[name])),
            "same seed, different weights: " + RunFolder.DescribeDifference(weightsA, weightsB));
        foreach (var name in new[] { "Wff1", "Wfb1", "Wff2" })
            Assert.False(RunFolder.BitIdentical(weightsA[name], weightsC[name]), $"seeds 3 and 4 gave the same {name}");

        // The metrics (apart from the timings) are reproduced as well.
        Assert.Equal(WithoutTimings(a), WithoutTimings(b));
    }

    [Fact]
    public void ActorEngineWithTheSyncSchedule_ReproducesTheBatchEngine()
    {
        string batch = _directory.File("batch"), actors = _directory.File("actors");
        CliRunner.RunOk(CliRunner.Train("--groups-per-layer", "2", "--out", batch));
        CliRunner.RunOk(CliRunner.Train("--groups-per-layer", "2", "--engine", "actors", "--schedule", "sync", "--out", actors));
        var fromBatch = RunFolder.CheckpointWeights(batch);
        var fromActors = RunFolder.CheckpointWeights(actors);
        Assert.True(fromBatch.Keys.All(name => RunFolder.BitIdentical(fromBatch[name], fromActors[name])),
            "actors differ from batch: " + RunFolder.DescribeDifference(fromBatch, fromActors));
    }

    internal static string[][] WithoutTimings(string run)
    {
        var (header, rows) = RunFolder.Metrics(run);
        var timing = new[] { Array.IndexOf(header, "seconds"), Array.IndexOf(header, "samples_per_second") };
        Assert.DoesNotContain(-1, timing);
        return rows.Select(r => r.Where((_, i) => !timing.Contains(i)).ToArray()).ToArray();
    }
}

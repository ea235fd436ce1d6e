using EqPropActors.Core.Checkpoints;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;
using EqPropActors.Core.Training;

namespace EqPropActors.Core.Tests.Checkpoints;

/// <summary>A checkpoint taken inside an epoch keeps its position and the epoch's totals so far, exactly.</summary>
public sealed class MidEpochCheckpointTests : IDisposable
{
    private static readonly int[] Layers = [6, 5, 3];

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void PositionAndEpochTotals_ReadBackBitForBit()
    {
        var totals = new EpochTotals
        {
            Errors = 17,
            Loss = 0.1 + 0.2, // not a short decimal: a text round trip would lose its last bit
            FreeResidual = Math.PI / 7,
            NudgedResidual = 1e-300,
            FreeNonConverged = 3,
            NudgedNonConverged = 4,
            Statistics = new EngineStatistics(5_000_000_000, 6, 7, 8, 9, 10, 11, 12.5),
            Seconds = 1.25,
        };
        var saved = new TrainingState(2, WeightInitializer.Create(Layers, 90, 1), null) { MinibatchesDone = 7, EpochSoFar = totals };
        string path = _directory.File("checkpoint.npz");

        Checkpoint.Save(path, saved, seed: 1);
        var loaded = Checkpoint.Load(path, Layers);

        Assert.Equal(2, loaded.CompletedEpochs);
        Assert.Equal(7, loaded.MinibatchesDone);
        Assert.Equal(totals, loaded.EpochSoFar);
        Assert.Equal(BitConverter.DoubleToInt64Bits(totals.Loss), BitConverter.DoubleToInt64Bits(loaded.EpochSoFar.Loss));
        Assert.Equal("minibatch 7 of epoch 3", loaded.Position);
    }

    [Fact]
    public void CheckpointWrittenBeforePositionsExisted_LoadsAsAnEpochBoundary()
    {
        string current = _directory.File("current.npz"), old = _directory.File("old.npz");
        Checkpoint.Save(current, new TrainingState(4, WeightInitializer.Create(Layers, 90, 1), null), seed: 1);
        NpzArchive.Write(old, NpzArchive.Read(current).Arrays.Where(a => a.Name != "minibatches_done"));

        var loaded = Checkpoint.Load(old, Layers);

        Assert.Equal(4, loaded.CompletedEpochs);
        Assert.Equal(0, loaded.MinibatchesDone);
        Assert.Same(EpochTotals.None, loaded.EpochSoFar);
        Assert.Equal("epoch 4", loaded.Position);
    }

    [Fact]
    public void ParticlesFromAnotherMinibatch_AreRefused()
    {
        string path = _directory.File("particles.npz");
        Checkpoint.SaveParticles(path, [[], new float[10], new float[6]], completedEpochs: 1, minibatchesDone: 3);

        Assert.Equal(10, Checkpoint.LoadParticles(path, Layers, 1, 3)[1].Length);
        var thrown = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadParticles(path, Layers, 1, 6));
        Assert.Contains("after minibatch 3 of epoch 2", thrown.Message);
        Assert.Contains("from minibatch 6 of epoch 2", thrown.Message);
    }
}

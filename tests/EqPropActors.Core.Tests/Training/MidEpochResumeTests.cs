using EqPropActors.Core.Data;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;
using EqPropActors.Core.Training;

namespace EqPropActors.Core.Tests.Training;

/// <summary>
/// A run stopped inside an epoch (cancelled, or killed after a periodic checkpoint) and resumed from the saved state
/// ends bit for bit as the uninterrupted run, and reports the same metrics for the interrupted epoch.
/// </summary>
public sealed class MidEpochResumeTests : IDisposable
{
    // 120 samples in minibatches of 20: six per epoch.
    private static readonly DataSplit Data = DatasetCatalog.Load(DatasetCatalog.Synthetic, null, trainSamples: 120);

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static TrainingConfig Config(float momentum = 0, bool randomSign = false, bool persistent = false, int checkpointEvery = 0) => new()
    {
        Layers = [784, 16, 10],
        LearningRates = [0.1f, 0.05f],
        FreeSteps = 10,
        NudgedSteps = 3,
        BatchSize = 20,
        Epochs = 2,
        Schedule = LearningRateSchedule.Cosine, // epoch 2 trains with a smaller rate than epoch 1: the resume must use it
        Momentum = momentum,
        RandomSign = randomSign,
        PersistentParticles = persistent,
        CheckpointEvery = checkpointEvery,
    };

    private static TrainingState Initial(TrainingConfig config) =>
        new(0, WeightInitializer.Create(config.Layers, config.InitAngleDegrees, config.Seed), null);

    private static void Train(TrainingConfig config, TrainingState start, RecordingObserver observer)
    {
        using var engine = new BatchEngine(config.CreateNetwork(), Math.Max(config.BatchSize, config.EvaluationBatchSize), config.LearningRates);
        new Trainer(config, Data, engine, observer).Run(start, observer.Token);
    }

    private static RecordingObserver Uninterrupted(TrainingConfig config)
    {
        var observer = new RecordingObserver();
        Train(config, Initial(config), observer);
        return observer;
    }

    [Theory]
    [InlineData(0f, false, false)]
    [InlineData(0.5f, false, false)] // the optimizer velocity is saved mid-epoch too
    [InlineData(0f, true, false)] // the skipped minibatches' signs of β are drawn again
    [InlineData(0f, false, true)] // particles of the samples already seen this epoch are the updated ones
    public void CancelledMidEpoch_ResumedFromTheRunFolder_EndsAsTheUninterruptedRun(float momentum, bool randomSign, bool persistent)
    {
        var config = Config(momentum, randomSign, persistent);
        using var reference = Uninterrupted(config);
        var run = RunDirectory.Open(_directory.Path);
        run.WriteConfig(config);

        using (var interrupted = new RecordingObserver(run, config) { CancelAfter = (2, 4) })
        {
            Assert.Throws<OperationCanceledException>(() => Train(config, Initial(config), interrupted));
            Assert.Equal([(1, 4)], interrupted.MinibatchCheckpoints.Select(s => (s.CompletedEpochs, s.MinibatchesDone)));
        }
        var (_, saved, _) = RunDirectory.LoadForResume(_directory.Path);
        Assert.Equal("minibatch 4 of epoch 2", saved.Position);
        using var resumed = new RecordingObserver();
        Train(config, saved, resumed);

        AssertSameEnd(reference, resumed);
        AssertSameMetrics(reference.Epochs[1], Assert.Single(resumed.Epochs));
    }

    [Fact]
    public void CancelledWhileEvaluating_SavesTheWholeEpochsMinibatches_AndTheResumeOnlyEvaluates()
    {
        var config = Config(persistent: true);
        using var reference = Uninterrupted(config);
        using var interrupted = new RecordingObserver { CancelWhileEvaluating = 1 };

        Assert.Throws<OperationCanceledException>(() => Train(config, Initial(config), interrupted));
        var saved = Assert.Single(interrupted.MinibatchCheckpoints);
        Assert.Equal("minibatch 6 of epoch 1", saved.Position);
        using var resumed = new RecordingObserver();
        Train(config, saved, resumed);

        AssertSameEnd(reference, resumed);
        Assert.Equal(2, resumed.Epochs.Count);
        AssertSameMetrics(reference.Epochs[0], resumed.Epochs[0]);
        AssertSameMetrics(reference.Epochs[1], resumed.Epochs[1]);
    }

    [Theory]
    [InlineData(0f, false, false)]
    [InlineData(0.5f, true, true)]
    public void EveryNMinibatches_ACheckpointIsHandedOver_AndEachResumesToTheSameEnd(float momentum, bool randomSign, bool persistent)
    {
        using var reference = Uninterrupted(Config(momentum, randomSign, persistent));
        var config = Config(momentum, randomSign, persistent, checkpointEvery: 2);
        using var withCheckpoints = Uninterrupted(config);

        // Minibatch 6 is the epoch's last: the checkpoint at the epoch's end covers it.
        Assert.Equal([(0, 2), (0, 4), (1, 2), (1, 4)], withCheckpoints.MinibatchCheckpoints.Select(s => (s.CompletedEpochs, s.MinibatchesDone)));
        AssertSameEnd(reference, withCheckpoints);
        foreach (var checkpoint in withCheckpoints.MinibatchCheckpoints)
        {
            // As if the process had been killed right after writing it.
            using var resumed = new RecordingObserver();
            Train(config, checkpoint, resumed);
            AssertSameEnd(reference, resumed);
            AssertSameMetrics(reference.Epochs[^1], resumed.Epochs[^1]);
        }
    }

    [Fact]
    public void CancelledBeforeTheFirstMinibatch_HandsOverNothing()
    {
        var config = Config();
        using var observer = new RecordingObserver();
        observer.Cancel();

        Assert.Throws<OperationCanceledException>(() => Train(config, Initial(config), observer));
        Assert.Empty(observer.MinibatchCheckpoints);
    }

    [Fact]
    public void DivergingRun_NeverHandsOverWeightsBeyondTheBound()
    {
        // Weights explode while the clipped states stay finite: only the weight scan can tell.
        var config = Config(checkpointEvery: 1) with { LearningRates = [1e30f, 1e30f], Beta = 1 };
        using var observer = new RecordingObserver();

        Assert.Throws<TrainingDivergedException>(() => Train(config, Initial(config), observer));
        foreach (var checkpoint in observer.MinibatchCheckpoints)
            Assert.All(checkpoint.Weights.Tensors(), t => Assert.All(t.Values, w => Assert.True(Math.Abs(w) <= config.MaxWeightMagnitude, $"{t.Name}: {w}")));
    }

    private static void AssertSameEnd(RecordingObserver expected, RecordingObserver actual)
    {
        var (want, got) = (expected.LastEpochState!, actual.LastEpochState!);
        Assert.True(want.Weights.BitwiseEquals(got.Weights, out string? difference), $"weights differ first at {difference}");
        Assert.Equal(want.Velocity is null, got.Velocity is null);
        if (want.Velocity is not null)
            Assert.True(want.Velocity.BitwiseEquals(got.Velocity!, out difference), $"velocities differ first at {difference}");
        if (want.Particles is not null)
            Assert.Equal(want.Particles, got.Particles!);
    }

    /// <summary>Every figure of the row but the wall-clock ones, compared exactly.</summary>
    private static void AssertSameMetrics(EpochMetrics expected, EpochMetrics actual)
    {
        static EpochMetrics WithoutTimings(EpochMetrics m, double[] angles) => m with { Seconds = 0, SamplesPerSecond = 0, PhaseSeconds = 0, WeightAnglesDegrees = angles };
        Assert.Equal(expected.WeightAnglesDegrees, actual.WeightAnglesDegrees);
        Assert.Equal(WithoutTimings(expected, expected.WeightAnglesDegrees), WithoutTimings(actual, expected.WeightAnglesDegrees));
        Assert.True(actual.Seconds > 0, "the resumed epoch's seconds include the time trained before the interruption");
    }
}

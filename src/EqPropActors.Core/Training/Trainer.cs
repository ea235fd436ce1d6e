using System.Diagnostics;
using EqPropActors.Core.Data;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Kernels;
using EqPropActors.Core.Network;
using EqPropActors.Core.Randomness;

namespace EqPropActors.Core.Training;

/// <summary>
/// Epochs of minibatch training and evaluation, driving any <see cref="IEngine"/> the same way. Every random
/// choice (shuffling, the sign of β) is derived from the run seed and the epoch, so a run resumed from a
/// checkpoint (at an epoch's end or inside an epoch) continues exactly as the uninterrupted run would have.
/// </summary>
public sealed class Trainer
{
    private readonly TrainingConfig _config;
    private readonly DataSplit _data;
    private readonly IEngine _engine;
    private readonly ITrainingObserver _observer;
    private readonly Minibatch _batch;
    private readonly GradientProbe? _probe;
    private float[][]? _particles;
    private float[][]? _gathered;

    public Trainer(TrainingConfig config, DataSplit data, IEngine engine, ITrainingObserver observer)
    {
        _config = config;
        _data = data;
        _engine = engine;
        _observer = observer;
        var network = engine.Network;
        RequireFits(network.LayerSizes, data);
        if (Math.Max(config.BatchSize, config.EvaluationBatchSize) > engine.MaxRows)
            throw new ConfigurationException($"the engine holds {engine.MaxRows} rows, fewer than the batch size {Math.Max(config.BatchSize, config.EvaluationBatchSize)}");
        _batch = new Minibatch(engine.MaxRows, Padding.RoundUp(network.InputSize), Padding.RoundUp(network.OutputSize));
        _probe = config.ProbeGradientEvery > 0 ? new GradientProbe(config, data) : null;
    }

    /// <summary>Checks that a network of <paramref name="layers"/> fits the data set; called before an engine is made
    /// too, so that a mismatch is reported before a cluster's workers are waited for.</summary>
    public static void RequireFits(IReadOnlyList<int> layers, DataSplit data)
    {
        if (data.Train.FeatureCount != layers[0])
            throw new ConfigurationException($"--layers starts with {layers[0]} input units but data set '{data.Train.Name}' has {data.Train.FeatureCount} features per sample");
        if (data.Train.ClassCount != layers[^1])
            throw new ConfigurationException($"--layers ends with {layers[^1]} output units but data set '{data.Train.Name}' has {data.Train.ClassCount} classes");
    }

    public int MinibatchesPerEpoch => (_data.Train.Count + _config.BatchSize - 1) / _config.BatchSize;

    /// <summary>
    /// Runs epochs <paramref name="start"/>.CompletedEpochs + 1 .. config.Epochs, the first from after the
    /// minibatches the state has already done. When <paramref name="cancellation"/> fires, the minibatches trained
    /// since are handed to <see cref="ITrainingObserver.MinibatchCheckpoint"/> before the cancellation is thrown.
    /// </summary>
    public IReadOnlyList<EpochMetrics> Run(TrainingState start, CancellationToken cancellation = default)
    {
        if (start.MinibatchesDone < 0 || start.MinibatchesDone > MinibatchesPerEpoch)
            throw new ConfigurationException(
                $"the checkpoint is after {start.Position}, but an epoch of {_data.Train.Count} samples has {MinibatchesPerEpoch} minibatches of {_config.BatchSize}");
        _engine.LoadParameters(start.Weights, start.Velocity);
        if (_config.PersistentParticles && start.Particles is { } particles)
        {
            for (int l = 1; l < particles.Length; l++)
                if (particles[l].Length != _data.Train.Count * _engine.Network.LayerSizes[l])
                    throw new ConfigurationException($"the saved particles of layer {l} are for {particles[l].Length / _engine.Network.LayerSizes[l]} training samples, the data set has {_data.Train.Count}");
            _particles = particles;
        }
        var history = new List<EpochMetrics>();
        var (done, soFar) = (start.MinibatchesDone, start.EpochSoFar);
        for (int epoch = start.CompletedEpochs + 1; epoch <= _config.Epochs; epoch++)
        {
            var metrics = TrainEpoch(epoch, done, soFar, cancellation);
            (done, soFar) = (0, EpochTotals.None);
            ThrowIfDiverged($"after epoch {epoch}");
            var weights = _engine.ExportWeights();
            // After the epoch's measurements and before its checkpoint, on its own engine and a copy of the weights.
            if (_probe is not null && _probe.IsDue(epoch))
                metrics = _probe.AddTo(metrics, weights, epoch);
            history.Add(metrics);
            _observer.EpochCompleted(metrics, new TrainingState(epoch, weights, _engine.ExportVelocity(), _particles));
        }
        return history;
    }

    private EpochMetrics TrainEpoch(int epoch, int alreadyDone, EpochTotals soFar, CancellationToken cancellation)
    {
        var train = _data.Train;
        var clock = Stopwatch.StartNew();
        int[] order = ShuffledOrder(train.Count, epoch);
        var signs = SeedDerivation.Generator(_config.Seed, "beta-sign", epoch);
        // The minibatches done before the checkpoint drew their signs from this generator: draw them again, so that
        // the rest of the epoch gets the signs it would have had.
        for (int b = 0; b < alreadyDone; b++)
            SignedBeta(signs);
        var totals = soFar;
        EpochTotals Elapsed() => totals with { Seconds = soFar.Seconds + clock.Elapsed.TotalSeconds };
        int batches = MinibatchesPerEpoch;
        float learningRateScale = _config.LearningRateScale(epoch);
        for (int b = alreadyDone; b < batches; b++)
        {
            if (cancellation.IsCancellationRequested)
            {
                if (b > alreadyDone)
                    SaveMidEpoch(epoch, b, Elapsed());
                cancellation.ThrowIfCancellationRequested();
            }
            int first = b * _config.BatchSize;
            int rows = Math.Min(_config.BatchSize, train.Count - first);
            LoadRows(train, order.AsSpan(first, rows), withParticles: _config.PersistentParticles);
            var rule = new RuleApplication(_config.Rule, SignedBeta(signs), _config.ThirdPhase, _config.Momentum, learningRateScale, _config.UpdateForm);
            var plan = MinibatchPlan.Training(_config.FreeSteps, _config.NudgedSteps, rule);
            var report = _engine.Run(_batch, plan, _config.Dt, _config.Tolerance);
            if (_config.PersistentParticles)
                StoreParticles(rows);
            CheckFinite(report, epoch, b);
            if ((b + 1) % _config.DivergenceCheckEvery == 0)
                ThrowIfDiverged($"epoch {epoch}, minibatch {b + 1}");
            totals = totals.Add(report);
            _observer.MinibatchCompleted(epoch, first + rows, train.Count);
            // The last minibatch is left to the epoch's own checkpoint, written after the evaluation.
            if (_config.CheckpointEvery > 0 && (b + 1) % _config.CheckpointEvery == 0 && b + 1 < batches)
                SaveMidEpoch(epoch, b + 1, Elapsed());
        }
        var trained = Elapsed();

        _observer.EvaluationStarted(epoch);
        double testError, testLoss;
        (double Error, double Loss)? validation = null;
        try
        {
            if (_data.Validation is { } held)
                validation = Evaluate(held, _config.FreeSteps, cancellation);
            (testError, testLoss) = Evaluate(_data.Test, _config.FreeSteps, cancellation);
        }
        catch (OperationCanceledException) when (batches > alreadyDone)
        {
            // Every minibatch is trained: keep them, and the resumed run only evaluates.
            SaveMidEpoch(epoch, batches, trained);
            throw;
        }
        return new EpochMetrics
        {
            Epoch = epoch,
            TrainError = (double)trained.Errors / train.Count,
            TrainLoss = trained.Loss / train.Count,
            TestError = testError,
            TestLoss = testLoss,
            ValError = validation?.Error,
            ValLoss = validation?.Loss,
            WeightAnglesDegrees = WeightAlignment.AnglesDegrees(_engine.ExportWeights()),
            FreeNonConverged = trained.FreeNonConverged,
            Messages = trained.Statistics.Messages,
            Bytes = trained.Statistics.Bytes,
            SuppressedMessages = trained.Statistics.Suppressed,
            LostMessages = trained.Statistics.Lost,
            FreshResidual = trained.Statistics.MeanFreshResidual,
            StaleEndedPhases = trained.Statistics.StaleEndedPhases,
            MeanStepsPerGroupPhase = trained.Statistics.MeanStepsPerGroupPhase,
            MeanStaleness = trained.Statistics.MeanStaleness,
            PhaseSeconds = trained.Statistics.PhaseSeconds,
            NudgedNonConverged = trained.NudgedNonConverged,
            MeanFreeResidual = trained.FreeResidual / batches,
            MeanNudgedResidual = trained.NudgedResidual / batches,
            MeanFreeSteps = (double)trained.FreeSteps / batches,
            MeanNudgedSteps = trained.NudgedSteps / batches,
            Seconds = trained.Seconds,
            SamplesPerSecond = train.Count / trained.Seconds,
        };
    }

    /// <summary>The β of the next minibatch; draws from <paramref name="signs"/> only with --random-sign.</summary>
    private float SignedBeta(Random signs) => _config.RandomSign && signs.Next(2) == 0 ? -_config.Beta : _config.Beta;

    private void SaveMidEpoch(int epoch, int minibatchesDone, EpochTotals totals)
    {
        // Diverged weights are never saved: the run stops here instead, and the last good checkpoint stays.
        ThrowIfDiverged($"epoch {epoch}, minibatch {minibatchesDone}");
        _observer.MinibatchCheckpoint(new TrainingState(epoch - 1, _engine.ExportWeights(), _engine.ExportVelocity(), _particles)
        {
            MinibatchesDone = minibatchesDone,
            EpochSoFar = totals,
        });
    }

    /// <summary>Error rate and mean loss of the free phase (from zero states) over a whole data set.</summary>
    public (double Error, double Loss) Evaluate(Dataset data, PhaseLength freeSteps, CancellationToken cancellation = default)
    {
        var plan = MinibatchPlan.Evaluation(freeSteps);
        int size = Math.Min(_config.EvaluationBatchSize, _engine.MaxRows);
        int[] indices = new int[size];
        long errors = 0;
        double loss = 0;
        for (int first = 0; first < data.Count; first += size)
        {
            cancellation.ThrowIfCancellationRequested();
            int rows = Math.Min(size, data.Count - first);
            for (int i = 0; i < rows; i++)
                indices[i] = first + i;
            LoadRows(data, indices.AsSpan(0, rows), withParticles: false);
            var report = _engine.Run(_batch, plan, _config.Dt, _config.Tolerance);
            if (double.IsNaN(report.LossSum))
                throw new TrainingDivergedException($"evaluation on '{data.Name}' produced NaN outputs at samples {first}..{first + rows - 1}");
            errors += report.Errors;
            loss += report.LossSum;
        }
        return ((double)errors / data.Count, loss / data.Count);
    }

    private int[] ShuffledOrder(int count, int epoch)
    {
        int[] order = Enumerable.Range(0, count).ToArray();
        var random = SeedDerivation.Generator(_config.Seed, "shuffle", epoch);
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    private void LoadRows(Dataset data, ReadOnlySpan<int> indices, bool withParticles)
    {
        _batch.Load(data, indices);
        _batch.Particles = withParticles ? GatherParticles(indices) : null;
    }

    // Persistent particles (EP 2017): each training sample's free fixed point, the next epoch's starting point.
    private float[][] GatherParticles(ReadOnlySpan<int> indices)
    {
        var sizes = _engine.Network.LayerSizes;
        _particles ??= sizes.Select((n, l) => l == 0 ? [] : new float[_data.Train.Count * n]).ToArray();
        _gathered ??= sizes.Select((n, l) => l == 0 ? [] : new float[_engine.MaxRows * n]).ToArray();
        for (int l = 1; l < sizes.Count; l++)
            for (int i = 0; i < indices.Length; i++)
                _particles[l].AsSpan(indices[i] * sizes[l], sizes[l]).CopyTo(_gathered[l].AsSpan(i * sizes[l]));
        return _gathered;
    }

    private void StoreParticles(int rows)
    {
        var sizes = _engine.Network.LayerSizes;
        for (int l = 1; l < sizes.Count; l++)
            for (int i = 0; i < rows; i++)
                _gathered![l].AsSpan(i * sizes[l], sizes[l]).CopyTo(_particles![l].AsSpan(_batch.SampleIndices[i] * sizes[l]));
    }

    private void ThrowIfDiverged(string when)
    {
        if (_engine.FindDivergedParameter(_config.MaxWeightMagnitude) is { } where)
            throw new TrainingDivergedException($"{when}: the {where} are NaN, infinite or beyond ±{_config.MaxWeightMagnitude:G3} (--max-weight)");
    }

    private static void CheckFinite(MinibatchReport report, int epoch, int batch)
    {
        if (double.IsNaN(report.LossSum) || report.Phases.Any(p => double.IsNaN(p.MeanResidual)))
        {
            string phase = report.Phases.FirstOrDefault(p => double.IsNaN(p.MeanResidual)).Phase ?? "free";
            throw new TrainingDivergedException($"epoch {epoch}, minibatch {batch + 1}: NaN states in the {phase} phase (the weights have diverged)");
        }
    }
}

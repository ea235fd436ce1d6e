using System.Diagnostics;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines.Profiling;
using EqPropActors.Core.Kernels;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Engines;

/// <summary>
/// The synchronous baseline: every group steps in lockstep over the whole minibatch in one process (Jacobi:
/// each group reads the rates its sources had at the previous step). Allocation-free inside the relaxation loop.
/// </summary>
public sealed class BatchEngine : IEngine
{
    private readonly NeuronGroup[] _groups;
    private readonly float[] _sampleSquaredSteps;

    private readonly TwoCoreProductScheduler? _twoCores;
    private readonly TimeBreakdownRecorder? _profile;

    /// <param name="threads">1, or 2 to split the large products over two cores (results are identical).</param>
    /// <param name="profile">When set, every minibatch records where its time goes there (see <see cref="TimeBreakdown"/>).
    /// The timestamps cost a little, so throughput is measured without it, in a separate pass.</param>
    public BatchEngine(NetworkSpec network, int maxRows, IReadOnlyList<float> learningRates, int threads = 1,
        TimeBreakdownRecorder? profile = null)
    {
        if (threads is < 1 or > 2)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "the batch engine uses 1 or 2 threads");
        if (learningRates.Count != network.PairCount)
            throw new ArgumentException($"expected {network.PairCount} learning rates (one per layer pair), got {learningRates.Count}", nameof(learningRates));
        Network = network;
        MaxRows = maxRows;
        _twoCores = threads == 2 ? new TwoCoreProductScheduler() : null;
        _profile = profile;
        ProductScheduler products = _twoCores ?? ProductScheduler.SingleThreaded;
        if (profile is not null)
            products = new TimedProductScheduler(products, profile);
        _groups = network.Groups.Select(g => new NeuronGroup(network, g, maxRows, learningRates, products)).ToArray();
        _sampleSquaredSteps = new float[maxRows];
        foreach (var group in _groups)
            foreach (var block in group.Incoming)
                block.SourcePhaseRates = _groups[block.Source.Id].PhaseRates;
    }

    public NetworkSpec Network { get; }
    public int MaxRows { get; }
    public IReadOnlyList<NeuronGroup> Groups => _groups;

    /// <summary>Watches every step of every phase (eqprop trace), or null (the default): the loop then tests it once per
    /// step and does nothing else for it.</summary>
    public IRelaxationRecorder? Recorder { get; set; }

    public void LoadParameters(ParameterSet weights, ParameterSet? velocity)
    {
        foreach (var group in _groups)
            GroupParameterMapping.Load(group, weights, velocity);
    }

    public ParameterSet ExportWeights()
    {
        var weights = ParameterSet.Zeros(Network.LayerSizes);
        foreach (var group in _groups)
            GroupParameterMapping.Store(group, ParameterKind.Weights, weights);
        return weights;
    }

    public ParameterSet? ExportVelocity()
    {
        if (_groups.All(g => g.BiasVelocity is null))
            return null;
        var velocity = ParameterSet.Zeros(Network.LayerSizes);
        foreach (var group in _groups)
            GroupParameterMapping.Store(group, ParameterKind.Velocity, velocity);
        return velocity;
    }

    public ParameterSet ExportEstimate()
    {
        var estimate = ParameterSet.Zeros(Network.LayerSizes);
        foreach (var group in _groups)
            GroupParameterMapping.Store(group, ParameterKind.Estimate, estimate);
        return estimate;
    }

    public string? FindDivergedParameter(float bound)
    {
        foreach (var group in _groups)
            if (group.FindDivergedParameter(bound) is { } where)
                return where;
        return null;
    }

    public MinibatchReport Run(Minibatch batch, MinibatchPlan plan, float dt, float tolerance)
    {
        if (_profile is null)
            return RunMinibatch(batch, plan, dt, tolerance);
        long start = Stopwatch.GetTimestamp();
        var report = RunMinibatch(batch, plan, dt, tolerance);
        _profile.AddTotal(start);
        return report;
    }

    private MinibatchReport RunMinibatch(Minibatch batch, MinibatchPlan plan, float dt, float tolerance)
    {
        int rows = batch.Rows;
        foreach (var group in _groups)
        {
            var values = group.IsClamped ? batch.Inputs : group.IsOutput ? batch.Targets : [];
            group.BeginMinibatch(rows, values);
        }
        foreach (var group in _groups)
        {
            WireCurrentRates(group);
            group.PrepareConstantDrive();
        }
        if (batch.Particles is { } particles)
            foreach (var group in _groups)
                if (!group.IsClamped)
                    group.SetStatesFromLayer(particles[group.Spec.Layer], Network.LayerSizes[group.Spec.Layer]);

        var convergence = new PhaseConvergence[plan.Phases.Count];
        for (int i = 0; i < plan.Phases.Count; i++)
            convergence[i] = RunPhase(plan.Phases[i], rows, dt, tolerance);

        if (batch.Particles is { } updated)
            foreach (var group in _groups)
                if (!group.IsClamped)
                    group.CopyPhaseStatesToLayer(PhaseSlot.Free, updated[group.Spec.Layer], Network.LayerSizes[group.Spec.Layer]);

        if (plan.Update != UpdateMode.None)
            foreach (var group in _groups)
                group.ApplyLearningRule(plan.Rule, intoEstimate: plan.Update == UpdateMode.EstimateOnly);

        var output = _groups[^1];
        var (loss, errors) = OutputScoring.Score(output.PhaseStatesOf(PhaseSlot.Free), output.Stride, output.Spec.Size,
            batch.Targets, batch.TargetStride, batch.Labels, rows);
        return new MinibatchReport(rows, loss, errors, convergence);
    }

    private PhaseConvergence RunPhase(Phase phase, int rows, float dt, float tolerance)
    {
        if (phase.StartFromFreeFixedPoint)
            foreach (var group in _groups)
                if (!group.IsClamped)
                    group.SetStates(group.PhaseStatesOf(PhaseSlot.Free));
        var recorder = Recorder;
        recorder?.PhaseStarted(phase);
        // A recorder reads every step's length; measuring it changes no state, so a recorded run keeps its bits.
        bool measureEveryStep = phase.UntilSettled || recorder is not null;
        int steps = 0;
        while (steps < phase.Steps)
        {
            bool last = steps == phase.Steps - 1;
            foreach (var group in _groups)
                WireCurrentRates(group);
            _profile?.BeginStep();
            foreach (var group in _groups)
                group.Step(dt, phase.Beta, measureStep: last || measureEveryStep);
            if (phase.Plasticity is { } plasticity)
                foreach (var group in _groups)
                    group.LearnFromStep(plasticity, phase.Beta); // the sources' rates of step t are still wired
            _profile?.EndStep();
            recorder?.StepTaken(_groups, dt);
            steps++;
            if (phase.UntilSettled && !last)
            {
                long checkStart = Stopwatch.GetTimestamp();
                bool settled = Settled(rows, dt, tolerance);
                _profile?.AddResidual(checkStart);
                if (settled)
                    break;
            }
        }
        foreach (var group in _groups)
            group.EndPhase(phase.Slot);
        if (steps == 0)
            return new PhaseConvergence(phase.Name, 0, 0, 0, 0);
        long convergenceStart = Stopwatch.GetTimestamp();
        var convergence = Convergence(phase.Name, rows, dt, tolerance, steps);
        _profile?.AddResidual(convergenceStart);
        return convergence;
    }

    /// <summary>Whether the step just taken moved every sample by at most the tolerance: the residual exactly as
    /// <see cref="PhaseConvergence.FromSquaredSteps"/> reports it, so a settled phase reports no sample unconverged.</summary>
    private bool Settled(int rows, float dt, float tolerance)
    {
        foreach (float squared in SquaredStepsPerSample(rows))
            if (!(Math.Sqrt(squared) / dt <= tolerance))
                return false;
        return true;
    }

    /// <summary>Points every block at its source's rates of the current step, before any group advances (Jacobi).</summary>
    private void WireCurrentRates(NeuronGroup group)
    {
        foreach (var block in group.Incoming)
            block.SourceRates = _groups[block.Source.Id].Rates;
    }

    private PhaseConvergence Convergence(string phase, int rows, float dt, float tolerance, int steps) =>
        PhaseConvergence.FromSquaredSteps(phase, SquaredStepsPerSample(rows), dt, tolerance, steps);

    /// <summary>‖s_t − s_{t−1}‖² per sample over every free group, from the last measured step.</summary>
    private ReadOnlySpan<float> SquaredStepsPerSample(int rows)
    {
        var perSample = _sampleSquaredSteps.AsSpan(0, rows);
        perSample.Clear();
        foreach (var group in _groups)
            if (!group.IsClamped)
                System.Numerics.Tensors.TensorPrimitives.Add(perSample, group.StepSquaredNorms, perSample);
        return perSample;
    }

    public void Dispose() => _twoCores?.Dispose();
}

using EqPropActors.Core.Kernels;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Dynamics;

/// <summary>
/// One neuron group with everything it owns: its state for the current minibatch block, its incoming synapses and
/// biases, and its snapshots at the end of each phase. Every engine steps groups through these methods only.
/// The clamped input layer is a group too: it never steps, it only provides ρ(x).
/// </summary>
public sealed partial class NeuronGroup
{
    private readonly float[][] _states = new float[2][];
    private readonly float[][] _rates = new float[2][];
    private readonly float[] _drive;
    private readonly float[] _constantDrive;
    private readonly float[] _stepSquaredNorms;
    private float[]? _measuredStates; // where MeasureStepAgainstPhaseRates puts the step it does not take
    private readonly float[] _postsynapticFactor;
    private readonly float[] _rateDisplacement;
    private readonly ProductScheduler _products;
    private readonly float[] _ones;
    private int _current;

    public NeuronGroup(NetworkSpec network, GroupSpec spec, int maxRows, IReadOnlyList<float> learningRates,
        ProductScheduler? products = null)
    {
        _products = products ?? ProductScheduler.SingleThreaded;
        Network = network;
        Spec = spec;
        MaxRows = maxRows;
        int buffer = maxRows * Stride;
        bool ratesAreStates = network.Activation == Activation.HardSigmoid;
        for (int i = 0; i < 2; i++)
        {
            _states[i] = new float[buffer];
            _rates[i] = ratesAreStates ? _states[i] : new float[buffer];
        }
        // The clamped input is the same in every phase: its only "phase snapshot" is its state (slot 0).
        PhaseStates = spec.Layer == 0 ? _states[0] : new float[PhaseSlot.Count * buffer];
        PhaseRates = spec.Layer == 0 ? _rates[0] : ratesAreStates ? PhaseStates : new float[PhaseSlot.Count * buffer];
        _drive = new float[buffer];
        _constantDrive = new float[buffer];
        _stepSquaredNorms = new float[maxRows];
        _postsynapticFactor = new float[2 * buffer];
        _rateDisplacement = new float[buffer];
        // A column of ones as the "presynaptic rate" of the bias, so biases learn through the same kernel.
        _ones = new float[maxRows * Padding.Lanes];
        for (int r = 0; r < maxRows; r++)
            _ones[r * Padding.Lanes] = 1f;

        Bias = new float[Stride];
        // Forward synapses learn at the rate of the pair below this layer, feedback ones at the pair above.
        Incoming = network.SourcesOf(spec)
            .Select(source => source.Layer < spec.Layer
                ? new IncomingBlock(source, spec, fromBelow: true, learningRates[spec.Layer - 1])
                : new IncomingBlock(source, spec, fromBelow: false, learningRates[spec.Layer]))
            .ToArray();
        if (spec.Layer > 0)
            BiasLearningRate = learningRates[spec.Layer - 1];
        Targets = spec.Layer == network.OutputLayer ? new float[buffer] : [];
    }

    public NetworkSpec Network { get; }
    public GroupSpec Spec { get; }
    public int MaxRows { get; }
    public int Stride => Spec.PaddedSize;
    public int Rows { get; private set; }
    public bool IsClamped => Spec.Layer == 0;
    public bool IsOutput => Spec.Layer == Network.OutputLayer;

    /// <summary>Forward sources first (in group order), then feedback sources: the order of the drive's sum.</summary>
    public IncomingBlock[] Incoming { get; }

    public float[] Bias { get; }
    public float[]? BiasVelocity { get; private set; }
    internal float[]? BiasEstimate { get; private set; }
    public float BiasLearningRate { get; }

    public float[] States => _states[_current];
    public float[] Rates => _rates[_current];
    public float[] PhaseStates { get; }
    public float[] PhaseRates { get; }
    public float[] Targets { get; }

    /// <summary>‖s' − s‖² per row from the last step that asked for it.</summary>
    public ReadOnlySpan<float> StepSquaredNorms => _stepSquaredNorms.AsSpan(0, Rows);

    public Span<float> PhaseStatesOf(int slot) => PhaseStates.AsSpan(slot * Rows * Stride, Rows * Stride);
    public Span<float> PhaseRatesOf(int slot) => PhaseRates.AsSpan(slot * Rows * Stride, Rows * Stride);

    /// <summary>
    /// Starts a minibatch block of <paramref name="rows"/> samples. For the input group <paramref name="values"/> are
    /// the clamped inputs; for the output group, the one-hot targets; otherwise ignored. States start at zero unless
    /// the engine restores persistent particles afterwards.
    /// </summary>
    public void BeginMinibatch(int rows, ReadOnlySpan<float> values)
    {
        if (rows < 1 || rows > MaxRows)
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"group {Spec.Name} holds 1..{MaxRows} rows");
        Rows = rows;
        _current = 0;
        _stepSumsDirty = false; // a minibatch whose update never came (evaluation, an abort) leaves nothing behind
        int length = rows * Stride;
        if (IsClamped)
        {
            values[..length].CopyTo(_states[0]);
            if (!ReferenceEquals(_rates[0], _states[0]))
                GroupKernel.ComputeRates(Network.Activation, _states[0], _rates[0], rows, Stride, Spec.Size);
            return;
        }
        Array.Clear(_states[0], 0, length);
        RefreshRates();
        if (IsOutput)
            values[..length].CopyTo(Targets);
    }

    /// <summary>Replaces the current states (persistent particles, or a nudged phase restarting from s⁰).</summary>
    public void SetStates(ReadOnlySpan<float> states)
    {
        states[..(Rows * Stride)].CopyTo(_states[_current]);
        RefreshRates();
    }

    /// <summary>
    /// Names the first of this group's weight blocks or biases holding NaN, infinity or a magnitude above
    /// <paramref name="bound"/> (with the largest magnitude found), or null when all are within it.
    /// </summary>
    public string? FindDivergedParameter(float bound)
    {
        foreach (var block in Incoming)
            if (Exceeds(block.Weights, bound, out float largest))
                return $"{(block.FromBelow ? "forward" : "feedback")} weights from {block.Source.Name} into {Spec.Name} (max |w| = {largest:G3})";
        return Exceeds(Bias, bound, out float biggest) ? $"biases of {Spec.Name} (max |b| = {biggest:G3})" : null;
    }

    private static bool Exceeds(float[] values, float bound, out float largest)
    {
        // MaxMagnitude returns the signed value of largest magnitude (NaN if any is NaN); the message reports |w|.
        largest = MathF.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude<float>(values));
        return !(largest <= bound);
    }

    /// <summary>Starts from a full layer's states ([rows × layerSize], unpadded), e.g. persistent particles.</summary>
    public void SetStatesFromLayer(ReadOnlySpan<float> layerStates, int layerSize)
    {
        var states = _states[_current];
        for (int r = 0; r < Rows; r++)
            layerStates.Slice(r * layerSize + Spec.Offset, Spec.Size).CopyTo(states.AsSpan(r * Stride));
        RefreshRates();
    }

    /// <summary>Writes this group's part of a phase's end states into a full layer's [rows × layerSize] array.</summary>
    public void CopyPhaseStatesToLayer(int slot, Span<float> layerStates, int layerSize)
    {
        var states = PhaseStatesOf(slot);
        for (int r = 0; r < Rows; r++)
            states.Slice(r * Stride, Spec.Size).CopyTo(layerStates.Slice(r * layerSize + Spec.Offset));
    }

    /// <summary>
    /// The part of the drive that cannot change during the minibatch's phases: the bias, then the contribution of
    /// the clamped input. The input and the weights stay fixed until the update, so it is computed once per
    /// minibatch (docs/algorithm.md, "The vector field": it does not change during a phase; here it is even computed once for all phases).
    /// Needs the input group's rates wired into <see cref="IncomingBlock.SourceRates"/>.
    /// </summary>
    public void PrepareConstantDrive()
    {
        if (IsClamped)
            return;
        for (int r = 0; r < Rows; r++)
            Bias.CopyTo(_constantDrive, r * Stride);
        foreach (var block in Incoming)
            if (block.Source.Layer == 0)
                _products.MultiplyAdd(block.SourceRates, 0, block.Source.PaddedSize, block.Weights, Stride,
                    _constantDrive, Stride, _constantDrive, Stride, Rows, block.Source.Size, Stride);
    }

    /// <summary>
    /// One Jacobi step: the drive from every non-clamped source's rates at the previous step (as wired into
    /// <see cref="IncomingBlock.SourceRates"/>), then the projected Euler step. The sum's order (constant part,
    /// forward sources, feedback sources, each in unit order) is the same in every engine.
    /// </summary>
    public void Step(float dt, float beta, bool measureStep)
    {
        if (IsClamped)
            return;
        SumDrive(phaseSlot: -1);
        Integrate(_drive, dt, beta, measureStep);
    }

    /// <summary>
    /// The drive into <see cref="_drive"/>: the constant part plus every non-clamped source's rates times its
    /// synapses, from the sources' current rates (<paramref name="phaseSlot"/> −1) or their rates at the end of the
    /// phase in that slot. The first product starts its chain from the constant part, the others continue it (no copy
    /// per step); the order is the same in every engine.
    /// </summary>
    private void SumDrive(int phaseSlot)
    {
        bool started = false;
        foreach (var block in Incoming)
        {
            if (block.Source.Layer == 0)
                continue;
            int sourceStride = block.Source.PaddedSize;
            var (rates, offset) = phaseSlot < 0 ? (block.SourceRates, 0) : (block.SourcePhaseRates, phaseSlot * Rows * sourceStride);
            _products.MultiplyAdd(rates, offset, sourceStride, block.Weights, Stride,
                started ? _drive : _constantDrive, Stride, _drive, Stride, Rows, block.Source.Size, Stride);
            started = true;
        }
        if (!started)
            _constantDrive.AsSpan(0, Rows * Stride).CopyTo(_drive);
    }

    private IntegrationStep StepOf(float dt, float beta) =>
        new(Rows, Stride, dt, IsOutput ? beta : 0f, Network.Form, Network.Activation);

    /// <summary>
    /// One Jacobi step with the drive computed elsewhere: by the only source, see <see cref="DelegatedDrive"/>
    /// ([rows × stride], the same values <see cref="Step"/> would compute here).
    /// </summary>
    public void StepWithDrive(ReadOnlySpan<float> drive, float dt, float beta, bool measureStep)
    {
        if (IsClamped)
            return;
        Integrate(drive, dt, beta, measureStep);
    }

    private void Integrate(ReadOnlySpan<float> drive, float dt, float beta, bool measureStep)
    {
        int next = 1 - _current;
        GroupKernel.Integrate(StepOf(dt, beta), drive, _states[_current], _rates[_current], _states[next], Targets,
            measureStep ? _stepSquaredNorms : Span<float>.Empty);
        _current = next;
        RefreshRates();
    }

    /// <summary>
    /// Takes back the last step for every unit whose flag in <paramref name="updated"/> ([rows × stride]) is false,
    /// and measures the step length again over the units that did move: a step in which only some neurons updated
    /// (the async schedule's --update-prob).
    /// </summary>
    public void KeepStepOf(ReadOnlySpan<bool> updated)
    {
        if (IsClamped)
            return;
        var previous = _states[1 - _current];
        var current = _states[_current];
        for (int r = 0; r < Rows; r++)
        {
            float squared = 0;
            for (int i = r * Stride, end = i + Spec.Size; i < end; i++)
            {
                if (!updated[i])
                    current[i] = previous[i];
                float moved = current[i] - previous[i];
                squared += moved * moved;
            }
            _stepSquaredNorms[r] = squared;
        }
        RefreshRates();
    }

    /// <summary>
    /// The squared length of the step this group would take from its end state of the phase in <paramref name="slot"/>
    /// with its sources' end rates of that phase (<see cref="IncomingBlock.SourcePhaseRates"/>, as the update receives
    /// them), per row: the residual of the assembled end state against fresh neighbour states, where the phase itself
    /// ended on whatever views the group held. Changes no state.
    /// </summary>
    public void MeasureStepAgainstPhaseRates(int slot, float dt, float beta, Span<float> squaredNorms)
    {
        if (IsClamped)
            return;
        SumDrive(slot);
        _measuredStates ??= new float[MaxRows * Stride];
        GroupKernel.Integrate(StepOf(dt, beta), _drive, PhaseStatesOf(slot), PhaseRatesOf(slot), _measuredStates, Targets, squaredNorms[..Rows]);
    }

    /// <summary>Keeps the states (and rates) reached at the end of a phase in <paramref name="slot"/>.</summary>
    public void EndPhase(int slot)
    {
        if (IsClamped)
            return;
        _states[_current].AsSpan(0, Rows * Stride).CopyTo(PhaseStatesOf(slot));
        if (!ReferenceEquals(PhaseRates, PhaseStates))
            _rates[_current].AsSpan(0, Rows * Stride).CopyTo(PhaseRatesOf(slot));
    }

    /// <summary>
    /// The local learning rule (docs/algorithm.md, "The learning rules") applied to every synapse and bias this group owns.
    /// VF: ΔW_pj = α ρ(s_p⁰)(s_j^β − s_j⁰)/β (centered: (s_j^{+β} − s_j^{−β})/(2β)), times ρ'(s_j⁰) in the ρ' form.
    /// Symmetric EP: ΔW_pj = α (ρ_p^β ρ_j^β − ρ_p⁰ ρ_j⁰)/β, summed as one outer product over the stacked rows
    /// [ρ⁰; ρ^β] × [−ρ⁰; ρ^β], so the replica of a tied matrix that the other layer holds receives the
    /// bit-identical (transposed) update. From the clamped input, whose rate is the same in both phases, it is
    /// ρ_p (ρ_j^β − ρ_j⁰)/β: half the work, and that connection has no replica to keep in step.
    /// Both are averaged over the minibatch. With <paramref name="intoEstimate"/> the result ΔW/α goes to scratch
    /// buffers instead of the weights (for the gradient check).
    /// </summary>
    public void ApplyLearningRule(in RuleApplication rule, bool intoEstimate = false)
    {
        if (IsClamped)
            return;
        if (rule.Form != UpdateForm.TwoPhase)
        {
            ApplyStepSums(rule, intoEstimate);
            return;
        }
        int length = Rows * Stride;
        bool centered = rule.Centered;
        int positive = PhaseSlot.Positive * length;
        int baseline = (centered ? PhaseSlot.Negative : PhaseSlot.Free) * length;
        float gradScale = 1f / ((centered ? 2f * rule.SignedBeta : rule.SignedBeta) * Rows);
        bool symmetric = rule.Rule == LearningRule.Ep;

        // Postsynaptic factor of VF synapses (state displacement), or of symmetric ones from the clamped input
        // and of biases (rate displacement); B rows.
        var displacement = symmetric ? PhaseRates : PhaseStates;
        GroupKernel.Subtract(displacement.AsSpan(positive), displacement.AsSpan(baseline), _rateDisplacement, length);
        // VF rule in the ρ' form: ∂μ_j/∂W_jp = ρ'(s_j)ρ(s_p), so Theorem 1's limit c J⁻ᵀ M carries ρ'(s_j⁰) too
        // (docs/theorem.md, "Which combinations are exact"). The hard sigmoid's ρ' is 1 on [0, 1], where the
        // projection keeps every state, so only the logistic needs the factor (multiplying by 1 would change nothing).
        if (!symmetric && Network.Form == DynamicsForm.RhoPrime && Network.Activation == Activation.Logistic)
            GroupKernel.MultiplyByLogisticDerivative(PhaseRates.AsSpan(PhaseSlot.Free * length), _rateDisplacement, length);
        if (symmetric)
        {
            // Stacked rows in slot order: centered [ρ^{+β}; −ρ^{−β}], one-sided [−ρ⁰; ρ^β]; 2B rows.
            if (centered)
            {
                PhaseRates.AsSpan(positive, length).CopyTo(_postsynapticFactor);
                GroupKernel.Negate(PhaseRates.AsSpan(baseline), _postsynapticFactor.AsSpan(length), length);
            }
            else
            {
                GroupKernel.Negate(PhaseRates.AsSpan(baseline), _postsynapticFactor, length);
                PhaseRates.AsSpan(positive, length).CopyTo(_postsynapticFactor.AsSpan(length));
            }
        }

        foreach (var block in Incoming)
        {
            int sourceStride = block.Source.PaddedSize;
            bool stacked = symmetric && block.Source.Layer != 0;
            var (presynapticSlot, slots) = block.Source.Layer == 0 ? (PhaseSlot.Free, 1) : PresynapticSlots(rule);
            ApplyOuterProduct(block.SourcePhaseRates, presynapticSlot * Rows * sourceStride, sourceStride,
                stacked ? _postsynapticFactor : _rateDisplacement, slots * Rows, block.Source.Size,
                intoEstimate ? ClearedEstimate(block.EnsureEstimate()) : block.Weights,
                intoEstimate ? null : VelocityFor(rule, block),
                gradScale, rule.Momentum, intoEstimate ? 1f : block.LearningRate * rule.LearningRateScale);
        }
        ApplyOuterProduct(_ones, 0, Padding.Lanes, _rateDisplacement, Rows, 1,
            intoEstimate ? ClearedEstimate(BiasEstimate ??= new float[Stride]) : Bias,
            intoEstimate ? null : BiasVelocityFor(rule),
            gradScale, rule.Momentum, intoEstimate ? 1f : BiasLearningRate * rule.LearningRateScale);
    }

    /// <summary>
    /// The phase-end rates of a non-clamped source that the rule reads: <paramref name="rule"/>'s consecutive slots
    /// from <c>First</c>. VF: the free rates only; symmetric EP: the stacked pair (free, +β), or (+β, −β) centered.
    /// Engines that ship end-of-phase rates between groups send only these.
    /// </summary>
    public static (int First, int Count) PresynapticSlots(in RuleApplication rule) =>
        rule.Rule != LearningRule.Ep ? (PhaseSlot.Free, 1) : rule.Centered ? (PhaseSlot.Positive, 2) : (PhaseSlot.Free, 2);

    /// <summary>Whether the rule reads a non-clamped source's rates at the end of the phase kept in <paramref name="slot"/>.</summary>
    public static bool ReadsSourceRatesOf(in RuleApplication rule, int slot)
    {
        var (first, count) = PresynapticSlots(rule);
        return slot >= first && slot < first + count;
    }

    private void ApplyOuterProduct(float[] presynaptic, int offset, int presynapticStride, float[] postsynaptic, int rows, int presynapticUnits,
        float[] weights, float[]? velocity, float gradScale, float momentum, float learningRate) =>
        _products.ApplyOuterProductUpdate(presynaptic, offset, presynapticStride, postsynaptic, Stride, rows, presynapticUnits, Stride,
            weights, Stride, velocity, gradScale, momentum, learningRate);

    private static float[] ClearedEstimate(float[] estimate)
    {
        Array.Clear(estimate);
        return estimate;
    }

    private static float[]? VelocityFor(in RuleApplication rule, IncomingBlock block) =>
        rule.Momentum == 0f ? null : block.EnsureVelocity();

    private float[]? BiasVelocityFor(in RuleApplication rule) =>
        rule.Momentum == 0f ? null : EnsureBiasVelocity();

    internal float[] EnsureBiasVelocity() => BiasVelocity ??= new float[Stride];

    private void RefreshRates()
    {
        if (!ReferenceEquals(_rates[_current], _states[_current]))
            GroupKernel.ComputeRates(Network.Activation, _states[_current], _rates[_current], Rows, Stride, Spec.Size);
    }
}

/// <summary>
/// What the learning rule needs to know about the minibatch's phases and the optimizer. Every block's learning
/// rate is multiplied by <paramref name="LearningRateScale"/> (a schedule's factor for the current epoch).
/// <paramref name="Form"/>: when the synapses learn (<see cref="UpdateForm"/>).
/// </summary>
public readonly record struct RuleApplication(LearningRule Rule, float SignedBeta, bool Centered, float Momentum, float LearningRateScale = 1f,
    UpdateForm Form = UpdateForm.TwoPhase);

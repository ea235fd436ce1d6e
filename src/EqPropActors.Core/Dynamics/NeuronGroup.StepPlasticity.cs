using System.Numerics.Tensors;
using EqPropActors.Core.Kernels;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Dynamics;

/// <summary>
/// Plasticity in time (--update stdp|continual): the synapses learn at each nudged step from what they see then, the
/// presynaptic rate the step integrated and the postsynaptic state's change, instead of from two stored snapshots.
/// </summary>
public sealed partial class NeuronGroup
{
    private float[][]? _stepSums;           // per incoming block: Σ over nudged steps of ρ(pre^t)·Δs^t/(β·phases·rows)
    private float[]? _biasStepSum;
    private bool _stepSumsDirty;
    private float[][]? _weightsBeforeSteps; // continual, estimate only: the weights to put back after the phases
    private float[]? _biasBeforeSteps;

    /// <summary>
    /// After a step of a phase with <paramref name="plasticity"/> (null: nothing, as in the free phase), with the
    /// sources' rates still wired as the step read them: every synapse from p onto this group's unit j adds
    /// ρ(s_p^t)·(s_j^{t+1} − s_j^t)/(β·phases), averaged over the minibatch, to its step sum (<see cref="UpdateForm.Stdp"/>)
    /// or to its weight at its learning rate (<see cref="UpdateForm.Continual"/>); biases take (s_j^{t+1} − s_j^t)/(β·phases).
    /// In the ρ' form with the logistic, the change is weighted by ρ'(s_j^t), as the two-phase VF rule weights it by ρ'(s_j⁰).
    /// Must follow any change of the step (<see cref="KeepStepOf"/>): it learns from the step as taken.
    /// </summary>
    public void LearnFromStep(StepPlasticity? plasticity, float beta)
    {
        if (plasticity is null || IsClamped)
            return;
        if (!_stepSumsDirty)
            BeginStepSums(plasticity);
        int length = Rows * Stride;
        GroupKernel.Subtract(_states[_current], _states[1 - _current], _rateDisplacement, length);
        // The ρ' form's factor ρ'(s_post), as in the two-phase VF rule (there at s⁰, here at the step's s^t).
        if (Network.Form == DynamicsForm.RhoPrime && Network.Activation == Activation.Logistic)
            GroupKernel.MultiplyByLogisticDerivative(_rates[1 - _current], _rateDisplacement, length);
        float gradScale = 1f / (beta * plasticity.NudgedPhases * Rows);
        bool continual = plasticity.Form == UpdateForm.Continual;
        for (int b = 0; b < Incoming.Length; b++)
        {
            var block = Incoming[b];
            if (continual)
                StepOuterProduct(block.SourceRates, block.Source.PaddedSize, block.Source.Size, block.Weights, gradScale,
                    block.LearningRate * plasticity.LearningRateScale);
            if (!continual || plasticity.IntoEstimate)
                StepOuterProduct(block.SourceRates, block.Source.PaddedSize, block.Source.Size, _stepSums![b], gradScale, 1f);
        }
        if (continual)
            StepOuterProduct(_ones, Padding.Lanes, 1, Bias, gradScale, BiasLearningRate * plasticity.LearningRateScale);
        if (!continual || plasticity.IntoEstimate)
            StepOuterProduct(_ones, Padding.Lanes, 1, _biasStepSum!, gradScale, 1f);
        if (continual)
            PrepareConstantDrive(); // the bias and the synapses from the clamped input moved
    }

    private void StepOuterProduct(float[] presynaptic, int presynapticStride, int presynapticUnits, float[] target, float gradScale, float learningRate) =>
        _products.ApplyOuterProductUpdate(presynaptic, 0, presynapticStride, _rateDisplacement, Stride, Rows, presynapticUnits, Stride,
            target, Stride, null, gradScale, 0f, learningRate);

    /// <summary>The minibatch's first plastic step: zero step sums; under continual estimation, keep the weights to restore.</summary>
    private void BeginStepSums(StepPlasticity plasticity)
    {
        _stepSums ??= Incoming.Select(b => new float[b.Weights.Length]).ToArray();
        _biasStepSum ??= new float[Stride];
        foreach (var sum in _stepSums)
            Array.Clear(sum);
        Array.Clear(_biasStepSum);
        if (plasticity is { Form: UpdateForm.Continual, IntoEstimate: true })
        {
            _weightsBeforeSteps ??= Incoming.Select(b => new float[b.Weights.Length]).ToArray();
            _biasBeforeSteps ??= new float[Stride];
            for (int b = 0; b < Incoming.Length; b++)
                Incoming[b].Weights.CopyTo(_weightsBeforeSteps[b], 0);
            Bias.CopyTo(_biasBeforeSteps, 0);
        }
        _stepSumsDirty = true;
    }

    /// <summary>
    /// The update after the phases for the forms that learn in time. STDP: each step sum is applied as the two-phase
    /// rule's ΔW/α would be (with momentum if set). Continual: the weights already moved; for an estimate they are put
    /// back and the step sums are the estimate.
    /// </summary>
    private void ApplyStepSums(in RuleApplication rule, bool intoEstimate)
    {
        if (!_stepSumsDirty)
            throw new InvalidOperationException($"group {Spec.Name}: the {rule.Form} update needs the nudged phases' steps, and none was taken");
        _stepSumsDirty = false;
        if (intoEstimate)
        {
            for (int b = 0; b < Incoming.Length; b++)
                _stepSums![b].CopyTo(Incoming[b].EnsureEstimate(), 0);
            _biasStepSum!.CopyTo(BiasEstimate ??= new float[Stride], 0);
            if (rule.Form == UpdateForm.Continual)
            {
                for (int b = 0; b < Incoming.Length; b++)
                    _weightsBeforeSteps![b].CopyTo(Incoming[b].Weights, 0);
                _biasBeforeSteps!.CopyTo(Bias, 0);
            }
            return;
        }
        if (rule.Form == UpdateForm.Continual)
            return;
        for (int b = 0; b < Incoming.Length; b++)
        {
            var block = Incoming[b];
            ApplySum(_stepSums![b], block.Weights, VelocityFor(rule, block), rule.Momentum, block.LearningRate * rule.LearningRateScale);
        }
        ApplySum(_biasStepSum!, Bias, BiasVelocityFor(rule), rule.Momentum, BiasLearningRate * rule.LearningRateScale);
    }

    /// <summary>w += α·g, or with momentum v = m·v + g, w += α·v: the outer-product update's arithmetic, from a summed g.</summary>
    private static void ApplySum(float[] sum, float[] weights, float[]? velocity, float momentum, float learningRate)
    {
        if (velocity is null)
        {
            TensorPrimitives.FusedMultiplyAdd(sum, learningRate, weights, weights);
            return;
        }
        TensorPrimitives.FusedMultiplyAdd(velocity, momentum, sum, velocity);
        TensorPrimitives.FusedMultiplyAdd(velocity, learningRate, weights, weights);
    }
}

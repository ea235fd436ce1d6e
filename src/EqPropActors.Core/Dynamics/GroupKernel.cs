using System.Runtime.CompilerServices;
using EqPropActors.Core.Kernels;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Dynamics;

/// <summary>
/// The element-wise mathematics of one neuron group on a minibatch block: rates, one Euler step of the leaky
/// integrator, the learning rule's postsynaptic factors. Every engine calls exactly these functions, so that
/// engines differ only in scheduling and a synchronous schedule reproduces the batch engine bit for bit.
/// All buffers are row-major [rows × stride] with stride a multiple of <see cref="Padding.Lanes"/>.
/// </summary>
public static class GroupKernel
{
    /// <summary>
    /// ρ(s) into <paramref name="rates"/>; padding columns are set to zero so that they never act as presynaptic
    /// activity or as a postsynaptic factor (the logistic is not zero at s = 0).
    /// For the hard sigmoid the states are already in [0, 1] after projection, so ρ(s) = s and callers may alias.
    /// </summary>
    public static void ComputeRates(Activation activation, ReadOnlySpan<float> states, Span<float> rates, int rows, int stride, int size) =>
        ComputeRates(DenseKernels.ActivePath, activation, states, rates, rows, stride, size);

    /// <summary>
    /// One projected Euler step s' = clip(s + dt μ, 0, 1) with μ = u − s (VF form) or ρ'(s)u − s (ρ' form), plus
    /// β(y − s) on nudged (output) units. Writes the squared step length ‖s' − s‖² of each row into
    /// <paramref name="stepSquaredNorms"/> when it is not empty (the residual is ‖s' − s‖/dt).
    /// Min/Max propagate NaN, so a NaN drive shows up in the step norms instead of being clipped away.
    /// </summary>
    public static void Integrate(in IntegrationStep step, ReadOnlySpan<float> drive, ReadOnlySpan<float> states, ReadOnlySpan<float> rates,
        Span<float> nextStates, ReadOnlySpan<float> targets, Span<float> stepSquaredNorms) =>
        Integrate(DenseKernels.ActivePath, step, drive, states, rates, nextStates, targets, stepSquaredNorms);

    /// <summary><see cref="ComputeRates(Activation, ReadOnlySpan{float}, Span{float}, int, int, int)"/> at the vector width of a kernel path.</summary>
    internal static void ComputeRates(KernelPath path, Activation activation, ReadOnlySpan<float> states, Span<float> rates, int rows, int stride, int size)
    {
        if (activation == Activation.HardSigmoid)
        {
            states[..(rows * stride)].CopyTo(rates);
            return;
        }
        switch (path)
        {
            case KernelPath.Avx512: ComputeLogisticRates<Zmm16>(states, rates, rows, stride, size); break;
            case KernelPath.Avx2: ComputeLogisticRates<YmmPair16>(states, rates, rows, stride, size); break;
            default: ComputeLogisticRates<XmmQuad16>(states, rates, rows, stride, size); break;
        }
    }

    /// <summary>
    /// <see cref="Integrate(in IntegrationStep, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, Span{float})"/>
    /// at the vector width of a kernel path. The scalar path uses 128-bit vectors too: every x64 and ARM64 CPU has
    /// them, and this step is a small part of the time.
    /// </summary>
    internal static void Integrate(KernelPath path, in IntegrationStep step, ReadOnlySpan<float> drive, ReadOnlySpan<float> states,
        ReadOnlySpan<float> rates, Span<float> nextStates, ReadOnlySpan<float> targets, Span<float> stepSquaredNorms)
    {
        switch (path)
        {
            case KernelPath.Avx512: Integrate<Zmm16>(step, drive, states, rates, nextStates, targets, stepSquaredNorms); break;
            case KernelPath.Avx2: Integrate<YmmPair16>(step, drive, states, rates, nextStates, targets, stepSquaredNorms); break;
            default: Integrate<XmmQuad16>(step, drive, states, rates, nextStates, targets, stepSquaredNorms); break;
        }
    }

    // Optimized from the first call: the quick first tier runs this loop over generic vector structs without inlining,
    // and a one-epoch run would spend a noticeable part of its time there before the tiered JIT replaces it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeLogisticRates<T>(ReadOnlySpan<float> states, Span<float> rates, int rows, int stride, int size)
        where T : struct, ISixteenFloats<T>
    {
        var half = T.Create(0.5f);
        var minusFour = T.Create(-4f);
        var one = T.Create(1f);
        for (int r = 0; r < rows; r++)
        {
            int row = r * stride;
            for (int j = 0; j < stride; j += Padding.Lanes)
            {
                var s = T.Load(ref Unsafe.AsRef(in states[row + j]));
                var rate = T.Divide(one, T.Add(one, T.Exp(T.Multiply(minusFour, T.Subtract(s, half)))));
                T.Store(rate, ref rates[row + j]);
            }
            rates.Slice(row + size, stride - size).Clear();
        }
    }

    // Optimized from the first call: the quick first tier runs this loop over generic vector structs without inlining,
    // and a one-epoch run would spend a noticeable part of its time there before the tiered JIT replaces it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Integrate<T>(in IntegrationStep step, ReadOnlySpan<float> drive, ReadOnlySpan<float> states, ReadOnlySpan<float> rates,
        Span<float> nextStates, ReadOnlySpan<float> targets, Span<float> stepSquaredNorms)
        where T : struct, ISixteenFloats<T>
    {
        var dt = T.Create(step.Dt);
        var beta = T.Create(step.Beta);
        var zero = T.Create(0f);
        var one = T.Create(1f);
        var four = T.Create(4f);
        bool nudged = step.Beta != 0f;
        bool rhoPrime = step.Form == DynamicsForm.RhoPrime;
        bool hardSigmoid = step.Activation == Activation.HardSigmoid;
        // Only the steps whose norms are asked for (the last of a fixed phase) accumulate them: the accumulation is a
        // chain of dependent FMAs that would otherwise bound the whole loop by its latency.
        bool measure = !stepSquaredNorms.IsEmpty;
        for (int r = 0; r < step.Rows; r++)
        {
            int row = r * step.Stride;
            var squared = zero;
            for (int j = 0; j < step.Stride; j += Padding.Lanes)
            {
                var s = T.Load(ref Unsafe.AsRef(in states[row + j]));
                var u = T.Load(ref Unsafe.AsRef(in drive[row + j]));
                if (rhoPrime)
                {
                    // ρ'(s): 1 on [0, 1] for the hard sigmoid, 4ρ(1 − ρ) for the logistic.
                    var derivative = hardSigmoid
                        ? T.UnitIntervalIndicator(s)
                        : LogisticDerivative(T.Load(ref Unsafe.AsRef(in rates[row + j])), four, one);
                    u = T.Multiply(u, derivative);
                }
                var mu = T.Subtract(u, s);
                if (nudged)
                    mu = T.FusedMultiplyAdd(beta, T.Subtract(T.Load(ref Unsafe.AsRef(in targets[row + j])), s), mu);
                var next = T.Min(T.Max(T.FusedMultiplyAdd(dt, mu, s), zero), one);
                T.Store(next, ref nextStates[row + j]);
                if (measure)
                {
                    var moved = T.Subtract(next, s);
                    squared = T.FusedMultiplyAdd(moved, moved, squared);
                }
            }
            if (measure)
                stepSquaredNorms[r] = T.Sum(squared);
        }
    }

    private static T LogisticDerivative<T>(T rate, T four, T one) where T : struct, ISixteenFloats<T> =>
        T.Multiply(T.Multiply(four, rate), T.Subtract(one, rate));

    /// <summary>difference[r, j] = minuend[r, j] − subtrahend[r, j] (the VF rule's postsynaptic displacement).</summary>
    public static void Subtract(ReadOnlySpan<float> minuend, ReadOnlySpan<float> subtrahend, Span<float> difference, int length) =>
        System.Numerics.Tensors.TensorPrimitives.Subtract(minuend[..length], subtrahend[..length], difference[..length]);

    /// <summary>
    /// values[r, j] *= ρ'(s_j) = 4ρ_j(1 − ρ_j) for the logistic, from its rates (the VF rule's postsynaptic factor in the
    /// ρ' form; the same product as the Euler step's). Padding columns have rate 0, so they stay 0.
    /// </summary>
    public static void MultiplyByLogisticDerivative(ReadOnlySpan<float> rates, Span<float> values, int length)
    {
        for (int i = 0; i < length; i++)
            values[i] *= 4f * rates[i] * (1f - rates[i]);
    }

    /// <summary>destination = −source (the symmetric rule's subtracted term, folded into one outer-product sum).</summary>
    public static void Negate(ReadOnlySpan<float> source, Span<float> destination, int length) =>
        System.Numerics.Tensors.TensorPrimitives.Negate(source[..length], destination[..length]);
}

/// <summary>Parameters of one Euler step of a group, constant over a phase.</summary>
public readonly record struct IntegrationStep(int Rows, int Stride, float Dt, float Beta, DynamicsForm Form, Activation Activation);

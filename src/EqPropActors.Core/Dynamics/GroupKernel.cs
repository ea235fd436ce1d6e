using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
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
    public static void ComputeRates(Activation activation, ReadOnlySpan<float> states, Span<float> rates, int rows, int stride, int size)
    {
        if (activation == Activation.HardSigmoid)
        {
            states[..(rows * stride)].CopyTo(rates);
            return;
        }
        var half = Vector512.Create(0.5f);
        var minusFour = Vector512.Create(-4f);
        var one = Vector512<float>.One;
        for (int r = 0; r < rows; r++)
        {
            int row = r * stride;
            for (int j = 0; j < stride; j += Padding.Lanes)
            {
                var s = Vector512.LoadUnsafe(ref Unsafe.AsRef(in states[row + j]));
                var rate = one / (one + Vector512.Exp(minusFour * (s - half)));
                rate.StoreUnsafe(ref rates[row + j]);
            }
            rates.Slice(row + size, stride - size).Clear();
        }
    }

    /// <summary>
    /// One projected Euler step s' = clip(s + dt μ, 0, 1) with μ = u − s (VF form) or ρ'(s)u − s (ρ' form), plus
    /// β(y − s) on nudged (output) units. Writes the squared step length ‖s' − s‖² of each row into
    /// <paramref name="stepSquaredNorms"/> when it is not empty (the residual is ‖s' − s‖/dt).
    /// Min/Max propagate NaN, so a NaN drive shows up in the step norms instead of being clipped away.
    /// </summary>
    public static void Integrate(in IntegrationStep step, ReadOnlySpan<float> drive, ReadOnlySpan<float> states, ReadOnlySpan<float> rates,
        Span<float> nextStates, ReadOnlySpan<float> targets, Span<float> stepSquaredNorms)
    {
        if (step.Form == DynamicsForm.Vf)
        {
            // The default form needs neither ρ nor ρ': the specialised step, at this CPU's native vector width.
            VfEulerStep.Run(step, drive, states, nextStates, targets, stepSquaredNorms);
            return;
        }
        IntegrateGeneral(step, drive, states, rates, nextStates, targets, stepSquaredNorms);
    }

    /// <summary>The step of <see cref="Integrate"/> for every form, in 512-bit vectors (the VF form's reference definition).</summary>
    internal static void IntegrateGeneral(in IntegrationStep step, ReadOnlySpan<float> drive, ReadOnlySpan<float> states, ReadOnlySpan<float> rates,
        Span<float> nextStates, ReadOnlySpan<float> targets, Span<float> stepSquaredNorms)
    {
        var dt = Vector512.Create(step.Dt);
        var beta = Vector512.Create(step.Beta);
        var zero = Vector512<float>.Zero;
        var one = Vector512<float>.One;
        var four = Vector512.Create(4f);
        bool nudged = step.Beta != 0f;
        bool rhoPrime = step.Form == DynamicsForm.RhoPrime;
        bool hardSigmoid = step.Activation == Activation.HardSigmoid;
        for (int r = 0; r < step.Rows; r++)
        {
            int row = r * step.Stride;
            var squared = zero;
            for (int j = 0; j < step.Stride; j += Padding.Lanes)
            {
                var s = Vector512.LoadUnsafe(ref Unsafe.AsRef(in states[row + j]));
                var u = Vector512.LoadUnsafe(ref Unsafe.AsRef(in drive[row + j]));
                if (rhoPrime)
                {
                    // ρ'(s): 1 on [0, 1] for the hard sigmoid, 4ρ(1 − ρ) for the logistic.
                    var derivative = hardSigmoid
                        ? Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(s, zero) & Vector512.LessThanOrEqual(s, one), one, zero)
                        : LogisticDerivative(Vector512.LoadUnsafe(ref Unsafe.AsRef(in rates[row + j])), four, one);
                    u *= derivative;
                }
                var mu = u - s;
                if (nudged)
                    mu = Vector512.FusedMultiplyAdd(beta, Vector512.LoadUnsafe(ref Unsafe.AsRef(in targets[row + j])) - s, mu);
                var next = Vector512.Min(Vector512.Max(Vector512.FusedMultiplyAdd(dt, mu, s), zero), one);
                next.StoreUnsafe(ref nextStates[row + j]);
                var moved = next - s;
                squared = Vector512.FusedMultiplyAdd(moved, moved, squared);
            }
            if (!stepSquaredNorms.IsEmpty)
                stepSquaredNorms[r] = Vector512.Sum(squared);
        }
    }

    private static Vector512<float> LogisticDerivative(Vector512<float> rate, Vector512<float> four, Vector512<float> one) =>
        four * rate * (one - rate);

    /// <summary>difference[r, j] = minuend[r, j] − subtrahend[r, j] (the VF rule's postsynaptic displacement).</summary>
    public static void Subtract(ReadOnlySpan<float> minuend, ReadOnlySpan<float> subtrahend, Span<float> difference, int length) =>
        System.Numerics.Tensors.TensorPrimitives.Subtract(minuend[..length], subtrahend[..length], difference[..length]);

    /// <summary>destination = −source (the symmetric rule's subtracted term, folded into one outer-product sum).</summary>
    public static void Negate(ReadOnlySpan<float> source, Span<float> destination, int length) =>
        System.Numerics.Tensors.TensorPrimitives.Negate(source[..length], destination[..length]);
}

/// <summary>Parameters of one Euler step of a group, constant over a phase.</summary>
public readonly record struct IntegrationStep(int Rows, int Stride, float Dt, float Beta, DynamicsForm Form, Activation Activation);

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EqPropActors.Core.Kernels;

namespace EqPropActors.Core.Dynamics;

/// <summary>
/// The projected Euler step of the VF form, s' = clip(s + dt(u − s) [+ dt β(y − s)], 0, 1), with the widest vectors
/// this CPU runs natively: 512-bit on AVX-512, 256-bit on AVX2, 128-bit otherwise (NEON on ARM64), where the
/// general step in <see cref="GroupKernel"/> would run 512-bit vectors in software. Every width does the same
/// operations per element (u − s, FMA, max, min), so the states are bit for bit the same; the squared step of a row
/// is accumulated in the lanes a 512-bit vector would use and summed as one, so it is the same bits too.
/// </summary>
internal static class VfEulerStep
{
    /// <summary>Vector widths in bits, to choose one explicitly (tests run every width on any CPU).</summary>
    internal enum Width { Bits512 = 512, Bits256 = 256, Bits128 = 128 }

    internal static Width Native { get; } =
        Vector512.IsHardwareAccelerated ? Width.Bits512 : Vector256.IsHardwareAccelerated ? Width.Bits256 : Width.Bits128;

    public static void Run(in IntegrationStep step, ReadOnlySpan<float> drive, ReadOnlySpan<float> states, Span<float> nextStates,
        ReadOnlySpan<float> targets, Span<float> stepSquaredNorms) =>
        Run(Native, step, drive, states, nextStates, targets, stepSquaredNorms);

    internal static void Run(Width width, in IntegrationStep step, ReadOnlySpan<float> drive, ReadOnlySpan<float> states, Span<float> nextStates,
        ReadOnlySpan<float> targets, Span<float> stepSquaredNorms)
    {
        // The loops below read and write without bounds checks: check the extents once.
        int length = step.Rows * step.Stride;
        bool nudged = step.Beta != 0f;
        if (step.Stride % Padding.Lanes != 0 || drive.Length < length || states.Length < length || nextStates.Length < length
            || (nudged && targets.Length < length) || (!stepSquaredNorms.IsEmpty && stepSquaredNorms.Length < step.Rows))
            throw new ArgumentException($"buffers too short for {step.Rows} rows of stride {step.Stride}, or stride not a multiple of {Padding.Lanes}");
        ref float u = ref MemoryMarshal.GetReference(drive);
        ref float s = ref MemoryMarshal.GetReference(states);
        ref float next = ref MemoryMarshal.GetReference(nextStates);
        ref float y = ref nudged ? ref MemoryMarshal.GetReference(targets) : ref s; // not read when not nudged
        // Only the steps whose norms are asked for (the last of a fixed phase) accumulate them: the accumulation is a
        // chain of dependent FMAs that would otherwise bound the whole loop by its latency.
        bool measure = !stepSquaredNorms.IsEmpty;
        for (int r = 0; r < step.Rows; r++)
        {
            nuint row = (nuint)(r * step.Stride);
            float squared = width switch
            {
                Width.Bits512 => Row512(ref Unsafe.Add(ref u, row), ref Unsafe.Add(ref s, row), ref Unsafe.Add(ref next, row),
                    ref Unsafe.Add(ref y, row), step.Stride, step.Dt, step.Beta, nudged, measure),
                Width.Bits256 => Row256(ref Unsafe.Add(ref u, row), ref Unsafe.Add(ref s, row), ref Unsafe.Add(ref next, row),
                    ref Unsafe.Add(ref y, row), step.Stride, step.Dt, step.Beta, nudged, measure),
                _ => Row128(ref Unsafe.Add(ref u, row), ref Unsafe.Add(ref s, row), ref Unsafe.Add(ref next, row),
                    ref Unsafe.Add(ref y, row), step.Stride, step.Dt, step.Beta, nudged, measure),
            };
            if (measure)
                stepSquaredNorms[r] = squared;
        }
    }

    private static float Row512(ref float u, ref float s, ref float next, ref float y, int stride, float dtValue, float betaValue, bool nudged,
        bool measure)
    {
        var (dt, beta, zero, one) = (Vector512.Create(dtValue), Vector512.Create(betaValue), Vector512<float>.Zero, Vector512<float>.One);
        var squared = zero;
        for (nuint j = 0; j < (nuint)stride; j += 16)
        {
            var state = Vector512.LoadUnsafe(ref s, j);
            var mu = Vector512.LoadUnsafe(ref u, j) - state;
            if (nudged)
                mu = Vector512.FusedMultiplyAdd(beta, Vector512.LoadUnsafe(ref y, j) - state, mu);
            var stepped = Vector512.Min(Vector512.Max(Vector512.FusedMultiplyAdd(dt, mu, state), zero), one);
            stepped.StoreUnsafe(ref next, j);
            if (measure)
            {
                var moved = stepped - state;
                squared = Vector512.FusedMultiplyAdd(moved, moved, squared);
            }
        }
        return Vector512.Sum(squared);
    }

    private static float Row256(ref float u, ref float s, ref float next, ref float y, int stride, float dtValue, float betaValue, bool nudged,
        bool measure)
    {
        var (dt, beta) = (Vector256.Create(dtValue), Vector256.Create(betaValue));
        // Lanes 0–7 and 8–15 of each 16-float block accumulate apart, as the two halves of a 512-bit accumulator.
        var (low, high) = (Vector256<float>.Zero, Vector256<float>.Zero);
        for (nuint j = 0; j < (nuint)stride; j += 16)
        {
            low = Step256(ref u, ref s, ref next, ref y, j, dt, beta, nudged, measure, low);
            high = Step256(ref u, ref s, ref next, ref y, j + 8, dt, beta, nudged, measure, high);
        }
        return Vector512.Sum(Vector512.Create(low, high));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Step256(ref float u, ref float s, ref float next, ref float y, nuint j, Vector256<float> dt,
        Vector256<float> beta, bool nudged, bool measure, Vector256<float> squared)
    {
        var state = Vector256.LoadUnsafe(ref s, j);
        var mu = Vector256.LoadUnsafe(ref u, j) - state;
        if (nudged)
            mu = Vector256.FusedMultiplyAdd(beta, Vector256.LoadUnsafe(ref y, j) - state, mu);
        var stepped = Vector256.Min(Vector256.Max(Vector256.FusedMultiplyAdd(dt, mu, state), Vector256<float>.Zero), Vector256<float>.One);
        stepped.StoreUnsafe(ref next, j);
        if (!measure)
            return squared;
        var moved = stepped - state;
        return Vector256.FusedMultiplyAdd(moved, moved, squared);
    }

    private static float Row128(ref float u, ref float s, ref float next, ref float y, int stride, float dtValue, float betaValue, bool nudged,
        bool measure)
    {
        var (dt, beta) = (Vector128.Create(dtValue), Vector128.Create(betaValue));
        // Lanes 0–3, 4–7, 8–11 and 12–15 of each 16-float block accumulate apart, as the quarters of a 512-bit accumulator.
        var (a, b, c, d) = (Vector128<float>.Zero, Vector128<float>.Zero, Vector128<float>.Zero, Vector128<float>.Zero);
        for (nuint j = 0; j < (nuint)stride; j += 16)
        {
            a = Step128(ref u, ref s, ref next, ref y, j, dt, beta, nudged, measure, a);
            b = Step128(ref u, ref s, ref next, ref y, j + 4, dt, beta, nudged, measure, b);
            c = Step128(ref u, ref s, ref next, ref y, j + 8, dt, beta, nudged, measure, c);
            d = Step128(ref u, ref s, ref next, ref y, j + 12, dt, beta, nudged, measure, d);
        }
        return Vector512.Sum(Vector512.Create(Vector256.Create(a, b), Vector256.Create(c, d)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Step128(ref float u, ref float s, ref float next, ref float y, nuint j, Vector128<float> dt,
        Vector128<float> beta, bool nudged, bool measure, Vector128<float> squared)
    {
        var state = Vector128.LoadUnsafe(ref s, j);
        var mu = Vector128.LoadUnsafe(ref u, j) - state;
        if (nudged)
            mu = Vector128.FusedMultiplyAdd(beta, Vector128.LoadUnsafe(ref y, j) - state, mu);
        var stepped = Vector128.Min(Vector128.Max(Vector128.FusedMultiplyAdd(dt, mu, state), Vector128<float>.Zero), Vector128<float>.One);
        stepped.StoreUnsafe(ref next, j);
        if (!measure)
            return squared;
        var moved = stepped - state;
        return Vector128.FusedMultiplyAdd(moved, moved, squared);
    }
}

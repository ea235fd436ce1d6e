using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EqPropActors.Core.Kernels;

/// <summary>
/// One register's worth of floats as the blocked kernels see it. The kernels are written once, generic over the
/// lane; the JIT specialises them per struct, so every call below is one instruction in the loop.
/// Every implementation's <see cref="FusedMultiplyAdd"/> is a true fused multiply-add (one rounding), which is what
/// makes the four paths give the same bits.
/// </summary>
internal unsafe interface ILane<TSelf> where TSelf : struct, ILane<TSelf>
{
    /// <summary>Floats per lane.</summary>
    static abstract int Width { get; }

    static abstract TSelf Load(float* source);

    static abstract void Store(float* destination, TSelf value);

    /// <summary>fma(broadcast(*scalar), x, addend) in one expression, so the JIT can embed the broadcast load.</summary>
    static abstract TSelf FusedMultiplyAddBroadcast(float* scalar, TSelf x, TSelf addend);

    static abstract TSelf Broadcast(float value);

    static abstract TSelf Multiply(TSelf left, TSelf right);

    static abstract TSelf FusedMultiplyAdd(TSelf left, TSelf right, TSelf addend);
}

/// <summary>A 512-bit register of 16 floats (AVX-512).</summary>
internal readonly unsafe struct Zmm(Vector512<float> value) : ILane<Zmm>
{
    private readonly Vector512<float> _value = value;

    public static int Width => 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Zmm Load(float* source) => new(Vector512.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Zmm value) => value._value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Zmm FusedMultiplyAddBroadcast(float* scalar, Zmm x, Zmm addend) =>
        new(Vector512.FusedMultiplyAdd(Vector512.Create(*scalar), x._value, addend._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Zmm Broadcast(float value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Zmm Multiply(Zmm left, Zmm right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Zmm FusedMultiplyAdd(Zmm left, Zmm right, Zmm addend) =>
        new(Vector512.FusedMultiplyAdd(left._value, right._value, addend._value));
}

/// <summary>A 256-bit register of 8 floats (AVX2 with FMA3).</summary>
internal readonly unsafe struct Ymm(Vector256<float> value) : ILane<Ymm>
{
    private readonly Vector256<float> _value = value;

    public static int Width => 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Ymm Load(float* source) => new(Vector256.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Ymm value) => value._value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Ymm FusedMultiplyAddBroadcast(float* scalar, Ymm x, Ymm addend) =>
        new(Vector256.FusedMultiplyAdd(Vector256.Create(*scalar), x._value, addend._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Ymm Broadcast(float value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Ymm Multiply(Ymm left, Ymm right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Ymm FusedMultiplyAdd(Ymm left, Ymm right, Ymm addend) =>
        new(Vector256.FusedMultiplyAdd(left._value, right._value, addend._value));
}

/// <summary>
/// A 128-bit register of 4 floats: x86 SSE/AVX registers with FMA3, or ARM64 NEON (AdvSimd), whose fused
/// multiply-add rounds once exactly like FMA3's.
/// </summary>
internal readonly unsafe struct Xmm(Vector128<float> value) : ILane<Xmm>
{
    private readonly Vector128<float> _value = value;

    public static int Width => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Xmm Load(float* source) => new(Vector128.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Xmm value) => value._value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Xmm FusedMultiplyAddBroadcast(float* scalar, Xmm x, Xmm addend) =>
        new(Fused(Vector128.Create(*scalar), x._value, addend._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Xmm Broadcast(float value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Xmm Multiply(Xmm left, Xmm right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Xmm FusedMultiplyAdd(Xmm left, Xmm right, Xmm addend) =>
        new(Fused(left._value, right._value, addend._value));

    /// <summary>
    /// The hardware instruction by name (the JIT folds the tests); Vector128.FusedMultiplyAdd, exact but emulated
    /// element by element, only where neither exists (the path is then not offered, see <see cref="KernelSelection"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Fused(Vector128<float> left, Vector128<float> right, Vector128<float> addend)
    {
        if (Fma.IsSupported)
            return Fma.MultiplyAdd(left, right, addend);
        if (AdvSimd.IsSupported)
            return AdvSimd.FusedMultiplyAdd(addend, left, right);
        return Vector128.FusedMultiplyAdd(left, right, addend);
    }
}

/// <summary>One float in a general-purpose SIMD register, for machines without a usable vector unit.</summary>
internal readonly unsafe struct ScalarLane(float value) : ILane<ScalarLane>
{
    private readonly float _value = value;

    public static int Width => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane Load(float* source) => new(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, ScalarLane value) => *destination = value._value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane FusedMultiplyAddBroadcast(float* scalar, ScalarLane x, ScalarLane addend) =>
        new(MathF.FusedMultiplyAdd(*scalar, x._value, addend._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane Broadcast(float value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane Multiply(ScalarLane left, ScalarLane right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane FusedMultiplyAdd(ScalarLane left, ScalarLane right, ScalarLane addend) =>
        new(MathF.FusedMultiplyAdd(left._value, right._value, addend._value));
}

/// <summary>
/// A row of up to four lanes of which the first TVectors are live: loaded, stored, or fed to one fma each. Dead lanes
/// cost nothing, since TVectors is a compile-time constant to the JIT.
/// </summary>
internal static unsafe class LaneRow
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load<TLane, TVectors>(float* source, out TLane v0, out TLane v1, out TLane v2, out TLane v3)
        where TLane : struct, ILane<TLane>
        where TVectors : struct, IBlockSize
    {
        v0 = TLane.Load(source);
        v1 = TVectors.Value > 1 ? TLane.Load(source + TLane.Width) : default;
        v2 = TVectors.Value > 2 ? TLane.Load(source + 2 * TLane.Width) : default;
        v3 = TVectors.Value > 3 ? TLane.Load(source + 3 * TLane.Width) : default;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TLane, TVectors>(float* destination, TLane v0, TLane v1, TLane v2, TLane v3)
        where TLane : struct, ILane<TLane>
        where TVectors : struct, IBlockSize
    {
        TLane.Store(destination, v0);
        if (TVectors.Value > 1) TLane.Store(destination + TLane.Width, v1);
        if (TVectors.Value > 2) TLane.Store(destination + 2 * TLane.Width, v2);
        if (TVectors.Value > 3) TLane.Store(destination + 3 * TLane.Width, v3);
    }

    /// <summary>acc_i = fma(*scalar, x_i, acc_i) for the live lanes: one step of each lane's chains.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fma<TLane, TVectors>(
        float* scalar, TLane x0, TLane x1, TLane x2, TLane x3,
        ref TLane acc0, ref TLane acc1, ref TLane acc2, ref TLane acc3)
        where TLane : struct, ILane<TLane>
        where TVectors : struct, IBlockSize
    {
        acc0 = TLane.FusedMultiplyAddBroadcast(scalar, x0, acc0);
        if (TVectors.Value > 1) acc1 = TLane.FusedMultiplyAddBroadcast(scalar, x1, acc1);
        if (TVectors.Value > 2) acc2 = TLane.FusedMultiplyAddBroadcast(scalar, x2, acc2);
        if (TVectors.Value > 3) acc3 = TLane.FusedMultiplyAddBroadcast(scalar, x3, acc3);
    }
}

/// <summary>
/// Compile-time block sizes: generic struct arguments are specialised by the JIT, so tests on the size fold away
/// and the accumulators of a block stay in registers.
/// </summary>
internal interface IBlockSize
{
    static abstract int Value { get; }
}

internal readonly struct One : IBlockSize { public static int Value => 1; }

internal readonly struct Two : IBlockSize { public static int Value => 2; }

internal readonly struct Three : IBlockSize { public static int Value => 3; }

internal readonly struct Four : IBlockSize { public static int Value => 4; }

internal readonly struct Five : IBlockSize { public static int Value => 5; }

internal readonly struct Six : IBlockSize { public static int Value => 6; }

internal readonly struct Seven : IBlockSize { public static int Value => 7; }

internal readonly struct Eight : IBlockSize { public static int Value => 8; }

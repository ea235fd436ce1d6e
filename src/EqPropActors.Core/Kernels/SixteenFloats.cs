using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EqPropActors.Core.Kernels;

/// <summary>
/// Sixteen floats (one padded chunk, <see cref="Padding.Lanes"/>) for the element-wise step of a neuron group, as one
/// 512-bit, two 256-bit or four 128-bit vectors. Element-wise operations give the same bits at any width; the one
/// reduction, <see cref="Sum"/>, adds in one fixed tree so that it does too.
/// </summary>
internal interface ISixteenFloats<TSelf> where TSelf : struct, ISixteenFloats<TSelf>
{
    static abstract TSelf Load(ref float source);
    static abstract void Store(TSelf value, ref float destination);
    static abstract TSelf Create(float value);
    static abstract TSelf Add(TSelf left, TSelf right);
    static abstract TSelf Subtract(TSelf left, TSelf right);
    static abstract TSelf Multiply(TSelf left, TSelf right);
    static abstract TSelf Divide(TSelf left, TSelf right);
    static abstract TSelf FusedMultiplyAdd(TSelf left, TSelf right, TSelf addend);
    /// <summary>IEEE 754-2019 minimum and maximum: NaN propagates (so a NaN drive is not clipped away).</summary>
    static abstract TSelf Min(TSelf left, TSelf right);
    static abstract TSelf Max(TSelf left, TSelf right);
    /// <summary>1 where 0 ≤ x ≤ 1, else 0 (the hard sigmoid's derivative).</summary>
    static abstract TSelf UnitIntervalIndicator(TSelf x);
    static abstract TSelf Exp(TSelf x);
    /// <summary>
    /// Σ x_i as h_i = x_i + x_(i+8), q_i = h_i + h_(i+4), then (q_0 + q_1) + (q_2 + q_3): the tree of a 512-bit
    /// horizontal sum, spelled out so every width adds the same pairs.
    /// </summary>
    static abstract float Sum(TSelf x);
}

internal readonly struct Zmm16(Vector512<float> v) : ISixteenFloats<Zmm16>
{
    private readonly Vector512<float> _v = v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Zmm16 Load(ref float source) => new(Vector512.LoadUnsafe(ref source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Zmm16 value, ref float destination) => value._v.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Zmm16 Create(float value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Zmm16 Add(Zmm16 left, Zmm16 right) => new(left._v + right._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Zmm16 Subtract(Zmm16 left, Zmm16 right) => new(left._v - right._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Zmm16 Multiply(Zmm16 left, Zmm16 right) => new(left._v * right._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Zmm16 Divide(Zmm16 left, Zmm16 right) => new(left._v / right._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Zmm16 FusedMultiplyAdd(Zmm16 left, Zmm16 right, Zmm16 addend) => new(Vector512.FusedMultiplyAdd(left._v, right._v, addend._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Zmm16 Min(Zmm16 left, Zmm16 right) => new(Vector512.Min(left._v, right._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Zmm16 Max(Zmm16 left, Zmm16 right) => new(Vector512.Max(left._v, right._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Zmm16 UnitIntervalIndicator(Zmm16 x) => new(Vector512.ConditionalSelect(
        Vector512.GreaterThanOrEqual(x._v, Vector512<float>.Zero) & Vector512.LessThanOrEqual(x._v, Vector512<float>.One), Vector512<float>.One, Vector512<float>.Zero));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Zmm16 Exp(Zmm16 x) => new(Vector512.Exp(x._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Zmm16 x)
    {
        var h = x._v.GetLower() + x._v.GetUpper();
        return SumTree.OfHalves(h.GetLower(), h.GetUpper());
    }
}

internal readonly struct YmmPair16(Vector256<float> low, Vector256<float> high) : ISixteenFloats<YmmPair16>
{
    private readonly Vector256<float> _low = low, _high = high;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static YmmPair16 Load(ref float source) => new(Vector256.LoadUnsafe(ref source), Vector256.LoadUnsafe(ref source, 8));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(YmmPair16 value, ref float destination)
    {
        value._low.StoreUnsafe(ref destination);
        value._high.StoreUnsafe(ref destination, 8);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static YmmPair16 Create(float value) => new(Vector256.Create(value), Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static YmmPair16 Add(YmmPair16 l, YmmPair16 r) => new(l._low + r._low, l._high + r._high);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static YmmPair16 Subtract(YmmPair16 l, YmmPair16 r) => new(l._low - r._low, l._high - r._high);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static YmmPair16 Multiply(YmmPair16 l, YmmPair16 r) => new(l._low * r._low, l._high * r._high);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static YmmPair16 Divide(YmmPair16 l, YmmPair16 r) => new(l._low / r._low, l._high / r._high);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static YmmPair16 FusedMultiplyAdd(YmmPair16 l, YmmPair16 r, YmmPair16 a) =>
        new(Vector256.FusedMultiplyAdd(l._low, r._low, a._low), Vector256.FusedMultiplyAdd(l._high, r._high, a._high));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static YmmPair16 Min(YmmPair16 l, YmmPair16 r) => new(Vector256.Min(l._low, r._low), Vector256.Min(l._high, r._high));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static YmmPair16 Max(YmmPair16 l, YmmPair16 r) => new(Vector256.Max(l._low, r._low), Vector256.Max(l._high, r._high));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static YmmPair16 UnitIntervalIndicator(YmmPair16 x) => new(Indicator(x._low), Indicator(x._high));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static YmmPair16 Exp(YmmPair16 x) => new(Vector256.Exp(x._low), Vector256.Exp(x._high));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(YmmPair16 x)
    {
        var h = x._low + x._high;
        return SumTree.OfHalves(h.GetLower(), h.GetUpper());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Indicator(Vector256<float> x) => Vector256.ConditionalSelect(
        Vector256.GreaterThanOrEqual(x, Vector256<float>.Zero) & Vector256.LessThanOrEqual(x, Vector256<float>.One), Vector256<float>.One, Vector256<float>.Zero);
}

/// <summary>Four 128-bit vectors: floats 0-3, 4-7, 8-11 and 12-15.</summary>
internal readonly struct XmmQuad16(Vector128<float> x0, Vector128<float> x1, Vector128<float> x2, Vector128<float> x3) : ISixteenFloats<XmmQuad16>
{
    private readonly Vector128<float> _x0 = x0, _x1 = x1, _x2 = x2, _x3 = x3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static XmmQuad16 Load(ref float s) =>
        new(Vector128.LoadUnsafe(ref s), Vector128.LoadUnsafe(ref s, 4), Vector128.LoadUnsafe(ref s, 8), Vector128.LoadUnsafe(ref s, 12));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(XmmQuad16 v, ref float d)
    {
        v._x0.StoreUnsafe(ref d);
        v._x1.StoreUnsafe(ref d, 4);
        v._x2.StoreUnsafe(ref d, 8);
        v._x3.StoreUnsafe(ref d, 12);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static XmmQuad16 Create(float value)
    {
        var v = Vector128.Create(value);
        return new(v, v, v, v);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static XmmQuad16 Add(XmmQuad16 l, XmmQuad16 r) => new(l._x0 + r._x0, l._x1 + r._x1, l._x2 + r._x2, l._x3 + r._x3);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static XmmQuad16 Subtract(XmmQuad16 l, XmmQuad16 r) => new(l._x0 - r._x0, l._x1 - r._x1, l._x2 - r._x2, l._x3 - r._x3);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static XmmQuad16 Multiply(XmmQuad16 l, XmmQuad16 r) => new(l._x0 * r._x0, l._x1 * r._x1, l._x2 * r._x2, l._x3 * r._x3);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static XmmQuad16 Divide(XmmQuad16 l, XmmQuad16 r) => new(l._x0 / r._x0, l._x1 / r._x1, l._x2 / r._x2, l._x3 / r._x3);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static XmmQuad16 FusedMultiplyAdd(XmmQuad16 l, XmmQuad16 r, XmmQuad16 a) =>
        new(Xmm.Fused(l._x0, r._x0, a._x0), Xmm.Fused(l._x1, r._x1, a._x1), Xmm.Fused(l._x2, r._x2, a._x2), Xmm.Fused(l._x3, r._x3, a._x3));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static XmmQuad16 Min(XmmQuad16 l, XmmQuad16 r) =>
        new(Vector128.Min(l._x0, r._x0), Vector128.Min(l._x1, r._x1), Vector128.Min(l._x2, r._x2), Vector128.Min(l._x3, r._x3));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static XmmQuad16 Max(XmmQuad16 l, XmmQuad16 r) =>
        new(Vector128.Max(l._x0, r._x0), Vector128.Max(l._x1, r._x1), Vector128.Max(l._x2, r._x2), Vector128.Max(l._x3, r._x3));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static XmmQuad16 UnitIntervalIndicator(XmmQuad16 x) => new(Indicator(x._x0), Indicator(x._x1), Indicator(x._x2), Indicator(x._x3));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static XmmQuad16 Exp(XmmQuad16 x) => new(Vector128.Exp(x._x0), Vector128.Exp(x._x1), Vector128.Exp(x._x2), Vector128.Exp(x._x3));

    /// <summary>h = floats 0-7 + floats 8-15, whose halves are x0 + x2 and x1 + x3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(XmmQuad16 x) => SumTree.OfHalves(x._x0 + x._x2, x._x1 + x._x3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Indicator(Vector128<float> x) => Vector128.ConditionalSelect(
        Vector128.GreaterThanOrEqual(x, Vector128<float>.Zero) & Vector128.LessThanOrEqual(x, Vector128<float>.One), Vector128<float>.One, Vector128<float>.Zero);
}

internal static class SumTree
{
    /// <summary>Given the halves of h (floats 0-3 and 4-7): q = low + high, then (q_0 + q_1) + (q_2 + q_3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float OfHalves(Vector128<float> low, Vector128<float> high)
    {
        var q = low + high;
        return (q.GetElement(0) + q.GetElement(1)) + (q.GetElement(2) + q.GetElement(3));
    }
}

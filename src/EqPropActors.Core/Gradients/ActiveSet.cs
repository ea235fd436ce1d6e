using EqPropActors.Core.Network;
namespace EqPropActors.Core.Gradients;

/// <summary>
/// Which free units take part in the linearisation at a projected fixed point.
/// </summary>
/// <remarks>
/// The relaxation stops at s = P(s + dt μ(s, θ)), P = clip to [0, 1]. A unit is <b>saturated</b> when it sits on
/// a bound and the field pushes outward (s = 0 and μ &lt; −tol, or s = 1 and μ &gt; tol): for a small change of θ
/// (or a small nudge β) the field still points outward, the projection still holds it there, so δs = 0 for it.
/// Every other unit is <b>active</b>: interior units satisfy μ = 0 exactly, and so they keep satisfying it,
/// which to first order gives J_AA δs_A + M_A δθ = 0 (J = ∂μ/∂s, M = ∂μ/∂θ, rows and columns restricted to A;
/// the saturated columns drop out because their δs is zero). Hence δs_A = −J_AA⁻¹ M_A δθ, the relation both the
/// true gradient and the VF limit are built on (Theorem 1 of Scellier et al. 2018; docs/algorithm.md, "What the paper claims").
/// A unit on a bound with |μ| ≤ tol is degenerate (<see cref="WeaklyActiveCount"/>): it is kept active, but the
/// fixed point is then only one-sidedly differentiable there and finite differences may disagree.
/// Bounds are tested exactly (s == 0 or s == 1) because the projection clips to exactly those values.
/// </remarks>
public sealed class ActiveSet
{
    private readonly int[][] _indexInActiveSet;

    private ActiveSet(int[][] indexInActiveSet, IReadOnlyList<(int Layer, int Unit)> activeUnits, int saturatedCount, int weaklyActiveCount)
    {
        _indexInActiveSet = indexInActiveSet;
        ActiveUnits = activeUnits;
        SaturatedCount = saturatedCount;
        WeaklyActiveCount = weaklyActiveCount;
    }

    /// <summary>Active free units, in layer-major order; position in this list = row/column in J_AA.</summary>
    public IReadOnlyList<(int Layer, int Unit)> ActiveUnits { get; }

    public int Count => ActiveUnits.Count;

    /// <summary>Units held on a bound by an outward field (excluded from A).</summary>
    public int SaturatedCount { get; }

    /// <summary>Units on a bound with |μ| ≤ tolerance (kept in A; the point is degenerate there).</summary>
    public int WeaklyActiveCount { get; }

    /// <summary>Row of (layer, unit) in J_AA, or −1 when the unit is saturated.</summary>
    public int IndexOf(int layer, int unit) => _indexInActiveSet[layer][unit];

    /// <summary>Classifies the free units of a free (β = 0) fixed point.</summary>
    public static ActiveSet AtFreeFixedPoint(ReferenceNetwork network, double[][] freeStates, double fieldTolerance = 1e-9)
    {
        double[][] field = ReferenceDynamics.Field(network, freeStates, target: null, beta: 0.0);
        var indexInActiveSet = new int[freeStates.Length][];
        indexInActiveSet[0] = [];
        var activeUnits = new List<(int Layer, int Unit)>();
        int saturated = 0, weaklyActive = 0;
        for (int layer = 1; layer < freeStates.Length; layer++)
        {
            indexInActiveSet[layer] = new int[freeStates[layer].Length];
            for (int unit = 0; unit < freeStates[layer].Length; unit++)
            {
                double state = freeStates[layer][unit], mu = field[layer][unit];
                bool onBound = state == 0.0 || state == 1.0;
                bool pushedOutward = (state == 0.0 && mu < -fieldTolerance) || (state == 1.0 && mu > fieldTolerance);
                if (pushedOutward)
                {
                    indexInActiveSet[layer][unit] = -1;
                    saturated++;
                    continue;
                }
                if (onBound && Math.Abs(mu) <= fieldTolerance)
                    weaklyActive++;
                indexInActiveSet[layer][unit] = activeUnits.Count;
                activeUnits.Add((layer, unit));
            }
        }
        return new ActiveSet(indexInActiveSet, activeUnits, saturated, weaklyActive);
    }
}

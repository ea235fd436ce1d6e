using EqPropActors.Core.Network;
namespace EqPropActors.Core.Gradients;

/// <summary>
/// The learning rules with a finite β, as plain loops over the formulas (docs/algorithm.md, "The learning rules"). The
/// <c>FromStates</c> variants take phase states from anywhere (e.g. fixed-step relaxations); the batch variants
/// relax every phase to its fixed point — the nudged phases start from the free fixed point s⁰ — and average.
/// </summary>
public static class VfRuleReference
{
    /// <summary>
    /// VF rule: ΔWff[l][p,j] = ρ(s⁰_{l−1,p}) d_{l,j}, ΔWfb[l][p,j] = ρ(s⁰_{l+1,p}) d_{l,j}, ΔBias[l][j] = d_{l,j}
    /// with d = g(s⁰_{l,j}) (s^β − s⁰)/β: presynaptic free-phase rate × postsynaptic displacement, where g = 1 in the
    /// VF form and g = ρ' in the ρ' form (the row of M = ∂μ/∂θ, so that the β → 0 limit is Theorem 1's c J⁻ᵀ M).
    /// </summary>
    public static NetworkGradient VfUpdateFromStates(ReferenceNetwork network, double[][] freeStates, double[][] nudgedStates, double beta) =>
        PresynapticRateTimesDisplacement(network, freeStates, Displacement(nudgedStates, freeStates, beta));

    /// <summary>Centered VF rule: d = (s^{+β} − s^{−β})/(2β), which removes the O(β) bias of the one-sided d.</summary>
    public static NetworkGradient CenteredVfUpdateFromStates(
        ReferenceNetwork network, double[][] freeStates, double[][] positiveStates, double[][] negativeStates, double beta) =>
        PresynapticRateTimesDisplacement(network, freeStates, Displacement(positiveStates, negativeStates, 2.0 * beta));

    /// <summary>
    /// Symmetric EP (tied weights): ΔW[l][p,j] = (ρ(s^β_{l−1,p})ρ(s^β_{l,j}) − ρ(s⁰_{l−1,p})ρ(s⁰_{l,j}))/β,
    /// ΔBias[l][j] = (ρ(s^β_{l,j}) − ρ(s⁰_{l,j}))/β.
    /// </summary>
    public static TiedGradient SymmetricEpUpdateFromStates(ReferenceNetwork network, double[][] freeStates, double[][] nudgedStates, double beta)
    {
        var update = new TiedGradient(network.LayerSizes);
        for (int layer = 1; layer <= network.OutputLayer; layer++)
        {
            int size = network.LayerSizes[layer];
            double[] weights = update.Weights[layer]!;
            for (int unit = 0; unit < size; unit++)
            {
                double nudgedPost = network.Rate(nudgedStates[layer][unit]), freePost = network.Rate(freeStates[layer][unit]);
                update.Bias[layer]![unit] = (nudgedPost - freePost) / beta;
                for (int below = 0; below < network.LayerSizes[layer - 1]; below++)
                {
                    double nudgedPre = network.Rate(nudgedStates[layer - 1][below]), freePre = network.Rate(freeStates[layer - 1][below]);
                    weights[below * size + unit] = (nudgedPre * nudgedPost - freePre * freePost) / beta;
                }
            }
        }
        return update;
    }

    /// <summary>Batch mean of the VF rule between the free and the β-nudged fixed points.</summary>
    public static NetworkGradient VfUpdate(
        ReferenceNetwork network, IReadOnlyList<double[]> inputs, IReadOnlyList<double[]> targets, double beta, RelaxationSettings settings)
    {
        var mean = new NetworkGradient(network.LayerSizes);
        ForEachSample(network, inputs, targets, settings, (input, target, freeStates) =>
        {
            double[][] nudged = ReferenceDynamics.RequireFixedPoint(network, input, target, beta, freeStates, settings);
            mean.AddScaled(VfUpdateFromStates(network, freeStates, nudged, beta), 1.0 / inputs.Count);
        });
        return mean;
    }

    /// <summary>Batch mean of the centered VF rule between the +β and −β nudged fixed points.</summary>
    public static NetworkGradient CenteredVfUpdate(
        ReferenceNetwork network, IReadOnlyList<double[]> inputs, IReadOnlyList<double[]> targets, double beta, RelaxationSettings settings)
    {
        var mean = new NetworkGradient(network.LayerSizes);
        ForEachSample(network, inputs, targets, settings, (input, target, freeStates) =>
        {
            double[][] positive = ReferenceDynamics.RequireFixedPoint(network, input, target, beta, freeStates, settings);
            double[][] negative = ReferenceDynamics.RequireFixedPoint(network, input, target, -beta, freeStates, settings);
            mean.AddScaled(CenteredVfUpdateFromStates(network, freeStates, positive, negative, beta), 1.0 / inputs.Count);
        });
        return mean;
    }

    /// <summary>Batch mean of the symmetric-EP update; meaningful when Wfb[l] = transpose(Wff[l+1]).</summary>
    public static TiedGradient SymmetricEpUpdate(
        ReferenceNetwork network, IReadOnlyList<double[]> inputs, IReadOnlyList<double[]> targets, double beta, RelaxationSettings settings)
    {
        var mean = new TiedGradient(network.LayerSizes);
        ForEachSample(network, inputs, targets, settings, (input, target, freeStates) =>
        {
            double[][] nudged = ReferenceDynamics.RequireFixedPoint(network, input, target, beta, freeStates, settings);
            TiedGradient sampleUpdate = SymmetricEpUpdateFromStates(network, freeStates, nudged, beta);
            for (int layer = 1; layer <= network.OutputLayer; layer++)
            {
                AddScaled(mean.Weights[layer]!, sampleUpdate.Weights[layer]!, 1.0 / inputs.Count);
                AddScaled(mean.Bias[layer]!, sampleUpdate.Bias[layer]!, 1.0 / inputs.Count);
            }
        });
        return mean;
    }

    private static double[][] Displacement(double[][] later, double[][] earlier, double divisor) =>
        later.Select((layer, l) => layer.Select((state, unit) => (state - earlier[l][unit]) / divisor).ToArray()).ToArray();

    private static NetworkGradient PresynapticRateTimesDisplacement(ReferenceNetwork network, double[][] freeStates, double[][] displacement)
    {
        var update = new NetworkGradient(network.LayerSizes);
        int outputLayer = network.OutputLayer;
        for (int layer = 1; layer <= outputLayer; layer++)
        {
            int size = network.LayerSizes[layer];
            for (int unit = 0; unit < size; unit++)
            {
                // ρ' form: ∂μ_j/∂θ carries ρ'(s_j⁰), and so does the rule (g = 1 in the VF form).
                double postsynaptic = network.DriveGain(freeStates[layer][unit]) * displacement[layer][unit];
                update.Bias[layer]![unit] = postsynaptic;
                for (int below = 0; below < network.LayerSizes[layer - 1]; below++)
                    update.Wff[layer]![below * size + unit] = network.Rate(freeStates[layer - 1][below]) * postsynaptic;
                if (layer < outputLayer)
                    for (int above = 0; above < network.LayerSizes[layer + 1]; above++)
                        update.Wfb[layer]![above * size + unit] = network.Rate(freeStates[layer + 1][above]) * postsynaptic;
            }
        }
        return update;
    }

    private static void ForEachSample(
        ReferenceNetwork network, IReadOnlyList<double[]> inputs, IReadOnlyList<double[]> targets, RelaxationSettings settings,
        Action<double[], double[], double[][]> withFreeFixedPoint)
    {
        if (inputs.Count != targets.Count || inputs.Count == 0)
            throw new ArgumentException("Need the same positive number of inputs and targets.", nameof(targets));
        for (int sample = 0; sample < inputs.Count; sample++)
        {
            double[][] freeStates = ReferenceDynamics.RequireFixedPoint(network, inputs[sample], null, 0.0, null, settings);
            withFreeFixedPoint(inputs[sample], targets[sample], freeStates);
        }
    }

    private static void AddScaled(double[] target, double[] source, double weight)
    {
        for (int index = 0; index < target.Length; index++)
            target[index] += weight * source[index];
    }
}

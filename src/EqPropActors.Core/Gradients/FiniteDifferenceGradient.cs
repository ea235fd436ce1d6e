using EqPropActors.Core.Network;
namespace EqPropActors.Core.Gradients;

/// <summary>
/// −∂J/∂θ by central differences of the batch loss J(θ) = mean_samples C(s⁰(θ)), for small networks.
/// Independent of every linearisation: it only relaxes and evaluates the cost.
/// </summary>
public static class FiniteDifferenceGradient
{
    /// <summary>Every scalar parameter, in canonical tensor order.</summary>
    public static IReadOnlyList<ParameterId> AllParameters(ParameterTensors network) =>
        network.TensorIds
            .SelectMany(tensor => Enumerable.Range(0, network.Tensor(tensor).Length).Select(index => new ParameterId(tensor, index)))
            .ToList();

    /// <summary>Up to <paramref name="entriesPerTensor"/> distinct random entries of every tensor (seeded).</summary>
    public static IReadOnlyList<ParameterId> RandomSubset(ParameterTensors network, int entriesPerTensor, int seed)
    {
        var random = new Random(seed);
        var selection = new List<ParameterId>();
        foreach (TensorId tensor in network.TensorIds)
        {
            int length = network.Tensor(tensor).Length;
            IEnumerable<int> indices = Enumerable.Range(0, length).OrderBy(_ => random.Next()).Take(entriesPerTensor).Order();
            selection.AddRange(indices.Select(index => new ParameterId(tensor, index)));
        }
        return selection;
    }

    /// <summary>
    /// −(J(θ + h e_k) − J(θ − h e_k)) / (2h) for each listed parameter k. Each perturbed relaxation starts from
    /// the sample's unperturbed free fixed point s⁰ (so it lands on the same branch) and must converge to
    /// <paramref name="settings"/>' tolerance; the error is O(h²) + O(tolerance · ‖J⁻¹‖ / h).
    /// </summary>
    public static double[] NegativeLossGradient(
        ReferenceNetwork network, IReadOnlyList<double[]> inputs, IReadOnlyList<double[]> targets,
        IReadOnlyList<ParameterId> parameters, double step, RelaxationSettings settings)
    {
        if (inputs.Count != targets.Count || inputs.Count == 0)
            throw new ArgumentException("Need the same positive number of inputs and targets.", nameof(targets));
        double[][][] freeFixedPoints = inputs
            .Select(input => ReferenceDynamics.RequireFixedPoint(network, input, null, 0.0, null, settings))
            .ToArray();
        ReferenceNetwork perturbed = network.Clone();
        var negativeGradient = new double[parameters.Count];
        for (int k = 0; k < parameters.Count; k++)
        {
            double original = perturbed[parameters[k]];
            perturbed[parameters[k]] = original + step;
            double lossUp = BatchLoss(perturbed, inputs, targets, freeFixedPoints, settings);
            perturbed[parameters[k]] = original - step;
            double lossDown = BatchLoss(perturbed, inputs, targets, freeFixedPoints, settings);
            perturbed[parameters[k]] = original;
            negativeGradient[k] = -(lossUp - lossDown) / (2.0 * step);
        }
        return negativeGradient;
    }

    private static double BatchLoss(
        ReferenceNetwork network, IReadOnlyList<double[]> inputs, IReadOnlyList<double[]> targets,
        double[][][] startStates, RelaxationSettings settings)
    {
        double sum = 0.0;
        for (int sample = 0; sample < inputs.Count; sample++)
        {
            double[][] states = ReferenceDynamics.RequireFixedPoint(network, inputs[sample], null, 0.0, startStates[sample], settings);
            sum += ReferenceDynamics.Cost(states, targets[sample]);
        }
        return sum / inputs.Count;
    }
}

using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Metrics;

/// <summary>
/// Useful arithmetic of one minibatch (multiply-adds counted as 2 flops, unpadded sizes, element-wise work
/// ignored): the constant input drive once per minibatch (the input and the weights do not change between phases), every non-clamped connection at every step, and one outer
/// product per connection for the update (twice as many rows for the symmetric rule's two products).
/// </summary>
public static class FlopModel
{
    public static double PerMinibatch(NetworkSpec network, int rows, MinibatchPlan plan)
    {
        var sizes = network.LayerSizes;
        double inputDrive = 2.0 * rows * sizes[0] * sizes[1];
        double perStep = 0;
        for (int l = 2; l < sizes.Count; l++)
            perStep += 2.0 * rows * sizes[l - 1] * sizes[l] * 2; // forward into l and feedback from l into l−1
        double total = inputDrive;
        foreach (var phase in plan.Phases)
            total += phase.Steps * perStep;
        if (plan.Update != UpdateMode.None)
        {
            int updateRows = plan.Rule.Rule == LearningRule.Ep ? 2 * rows : rows;
            for (int l = 1; l < sizes.Count; l++)
                total += 2.0 * updateRows * sizes[l - 1] * sizes[l] * (l == 1 ? 1 : 2);
        }
        return total;
    }
}

using EqPropActors.Core.Network;

namespace EqPropActors.Core.Dynamics;

/// <summary>
/// Copies between the full matrices of a <see cref="ParameterSet"/> and the padded blocks a group owns, so that a
/// checkpoint does not depend on how layers were split into groups or placed on nodes.
/// </summary>
public static class GroupParameterMapping
{
    public static void Load(NeuronGroup group, ParameterSet weights, ParameterSet? velocity)
    {
        if (group.IsClamped)
            return;
        foreach (var block in group.Incoming)
        {
            Copy(FullMatrix(weights, group, block), group, block, block.Weights, toBlock: true);
            if (velocity is not null)
                Copy(FullMatrix(velocity, group, block), group, block, block.EnsureVelocity(), toBlock: true);
        }
        var spec = group.Spec;
        weights.Bias[spec.Layer].AsSpan(spec.Offset, spec.Size).CopyTo(group.Bias);
        if (velocity is not null)
            velocity.Bias[spec.Layer].AsSpan(spec.Offset, spec.Size).CopyTo(group.EnsureBiasVelocity());
    }

    public static void Store(NeuronGroup group, ParameterSet weights, ParameterSet? velocity)
    {
        if (group.IsClamped)
            return;
        foreach (var block in group.Incoming)
        {
            Copy(FullMatrix(weights, group, block), group, block, block.Weights, toBlock: false);
            if (velocity is not null && block.Velocity is not null)
                Copy(FullMatrix(velocity, group, block), group, block, block.Velocity, toBlock: false);
        }
        var spec = group.Spec;
        group.Bias.AsSpan(0, spec.Size).CopyTo(weights.Bias[spec.Layer].AsSpan(spec.Offset));
        if (velocity is not null && group.BiasVelocity is not null)
            group.BiasVelocity.AsSpan(0, spec.Size).CopyTo(velocity.Bias[spec.Layer].AsSpan(spec.Offset));
    }

    /// <summary>Writes the last learning-rule estimate (ΔW/α) of this group into <paramref name="estimate"/>.</summary>
    public static void StoreEstimate(NeuronGroup group, ParameterSet estimate)
    {
        if (group.IsClamped)
            return;
        foreach (var block in group.Incoming)
            Copy(FullMatrix(estimate, group, block), group, block,
                block.Estimate ?? throw new InvalidOperationException($"group {group.Spec.Name} has no rule estimate yet"), toBlock: false);
        var spec = group.Spec;
        (group.BiasEstimate ?? throw new InvalidOperationException($"group {spec.Name} has no rule estimate yet"))
            .AsSpan(0, spec.Size).CopyTo(estimate.Bias[spec.Layer].AsSpan(spec.Offset));
    }

    private static float[] FullMatrix(ParameterSet set, NeuronGroup group, IncomingBlock block) =>
        block.FromBelow ? set.Forward[group.Spec.Layer] : set.Feedback[group.Spec.Layer];

    private static void Copy(float[] full, NeuronGroup group, IncomingBlock block, float[] padded, bool toBlock)
    {
        int columns = group.Network.LayerSizes[group.Spec.Layer];
        var owner = group.Spec;
        for (int i = 0; i < block.Source.Size; i++)
        {
            var fullRow = full.AsSpan((block.Source.Offset + i) * columns + owner.Offset, owner.Size);
            var blockRow = padded.AsSpan(i * owner.PaddedSize, owner.Size);
            if (toBlock)
                fullRow.CopyTo(blockRow);
            else
                blockRow.CopyTo(fullRow);
        }
    }
}

using EqPropActors.Core.Network;

namespace EqPropActors.Core.Dynamics;

/// <summary>Which of a group's parameter sets to export.</summary>
public enum ParameterKind { Weights, Velocity, Estimate }

/// <summary>
/// Copies between a group's padded blocks and its <see cref="GroupSlice"/> of the full matrices, so that a
/// checkpoint does not depend on how layers were split into groups or placed on nodes.
/// </summary>
public static class GroupParameterMapping
{
    public static void Load(NeuronGroup group, GroupSlice weights, GroupSlice? velocity)
    {
        if (group.IsClamped)
            return;
        weights.Validate(group.Network);
        velocity?.Validate(group.Network);
        foreach (var block in group.Incoming)
        {
            Copy(SliceMatrix(weights, block), group, block, block.Weights, toBlock: true);
            if (velocity is not null)
                Copy(SliceMatrix(velocity, block), group, block, block.EnsureVelocity(), toBlock: true);
        }
        weights.Bias.CopyTo(group.Bias.AsSpan());
        velocity?.Bias.CopyTo(group.EnsureBiasVelocity().AsSpan());
    }

    /// <summary>The group's parameters of <paramref name="kind"/>; null for velocities the optimizer does not hold.</summary>
    public static GroupSlice? Export(NeuronGroup group, ParameterKind kind)
    {
        var spec = group.Spec;
        var slice = GroupSlice.Zeros(group.Network, spec);
        foreach (var block in group.Incoming)
        {
            float[]? padded = kind switch
            {
                ParameterKind.Weights => block.Weights,
                ParameterKind.Velocity => block.Velocity,
                _ => block.Estimate ?? throw new InvalidOperationException($"group {spec.Name} has no rule estimate yet"),
            };
            if (padded is not null)
                Copy(SliceMatrix(slice, block), group, block, padded, toBlock: false);
        }
        float[]? bias = kind switch
        {
            ParameterKind.Weights => group.Bias,
            ParameterKind.Velocity => group.BiasVelocity,
            _ => group.BiasEstimate ?? throw new InvalidOperationException($"group {spec.Name} has no rule estimate yet"),
        };
        if (bias is null)
            return null;
        bias.AsSpan(0, spec.Size).CopyTo(slice.Bias);
        return slice;
    }

    public static void Load(NeuronGroup group, ParameterSet weights, ParameterSet? velocity)
    {
        if (group.IsClamped)
            return;
        Load(group, GroupSlice.Extract(weights, group.Network, group.Spec),
            velocity is null ? null : GroupSlice.Extract(velocity, group.Network, group.Spec));
    }

    /// <summary>Writes the group's columns of <paramref name="kind"/> into <paramref name="target"/>; false when it holds none.</summary>
    public static bool Store(NeuronGroup group, ParameterKind kind, ParameterSet target)
    {
        if (group.IsClamped)
            return true;
        var slice = Export(group, kind);
        slice?.InsertInto(target, group.Network);
        return slice is not null;
    }

    /// <summary>Rows of the slice matrix a block reads from: Forward for blocks from below, Feedback from above.</summary>
    private static float[] SliceMatrix(GroupSlice slice, IncomingBlock block) => block.FromBelow ? slice.Forward : slice.Feedback;

    private static void Copy(float[] slice, NeuronGroup group, IncomingBlock block, float[] padded, bool toBlock)
    {
        var owner = group.Spec;
        for (int i = 0; i < block.Source.Size; i++)
        {
            var sliceRow = slice.AsSpan((block.Source.Offset + i) * owner.Size, owner.Size);
            var blockRow = padded.AsSpan(i * owner.PaddedSize, owner.Size);
            if (toBlock)
                sliceRow.CopyTo(blockRow);
            else
                blockRow.CopyTo(sliceRow);
        }
    }
}

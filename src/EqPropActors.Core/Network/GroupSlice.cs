namespace EqPropActors.Core.Network;

/// <summary>
/// The parameters one group owns, cut out of the full matrices of a <see cref="ParameterSet"/>: its columns of
/// Forward[l] ([n_{l−1} × size]), of Feedback[l] ([n_{l+1} × size]; empty for the output layer) and of Bias[l],
/// dense and unpadded. What travels when a group on another node loads or reports its parameters: a group never
/// needs the other groups' columns.
/// </summary>
public sealed record GroupSlice(int Group, float[] Forward, float[] Feedback, float[] Bias)
{
    public static GroupSlice Extract(ParameterSet set, NetworkSpec network, GroupSpec group)
    {
        int l = group.Layer;
        var sizes = network.LayerSizes;
        var forward = new float[sizes[l - 1] * group.Size];
        var feedback = l < network.OutputLayer ? new float[sizes[l + 1] * group.Size] : [];
        CopyColumns(set.Forward[l], sizes[l], group, forward, toSlice: true);
        CopyColumns(set.Feedback[l], sizes[l], group, feedback, toSlice: true);
        return new GroupSlice(group.Id, forward, feedback, set.Bias[l].AsSpan(group.Offset, group.Size).ToArray());
    }

    /// <summary>An all-zero slice of the right shape for <paramref name="group"/>.</summary>
    public static GroupSlice Zeros(NetworkSpec network, GroupSpec group)
    {
        int l = group.Layer;
        var sizes = network.LayerSizes;
        return new GroupSlice(group.Id, new float[sizes[l - 1] * group.Size],
            l < network.OutputLayer ? new float[sizes[l + 1] * group.Size] : [], new float[group.Size]);
    }

    public void InsertInto(ParameterSet set, NetworkSpec network)
    {
        var group = network.Groups[Group];
        int l = group.Layer;
        Validate(network);
        CopyColumns(set.Forward[l], network.LayerSizes[l], group, Forward, toSlice: false);
        CopyColumns(set.Feedback[l], network.LayerSizes[l], group, Feedback, toSlice: false);
        Bias.CopyTo(set.Bias[l].AsSpan(group.Offset));
    }

    /// <summary>Throws unless the arrays have the shapes <paramref name="network"/> gives this slice's group.</summary>
    public void Validate(NetworkSpec network)
    {
        if (Group < 1 || Group >= network.Groups.Count)
            throw new ArgumentException($"group {Group} is not a free group of the {network.Describe()} network");
        var expected = Zeros(network, network.Groups[Group]);
        if (Forward.Length != expected.Forward.Length || Feedback.Length != expected.Feedback.Length || Bias.Length != expected.Bias.Length)
            throw new ArgumentException($"the parameters of group {network.Groups[Group].Name} have {Forward.Length}/{Feedback.Length}/{Bias.Length} " +
                $"forward/feedback/bias values; the {network.Describe()} network needs {expected.Forward.Length}/{expected.Feedback.Length}/{expected.Bias.Length}");
    }

    private static void CopyColumns(float[] full, int columns, GroupSpec group, float[] slice, bool toSlice)
    {
        int rows = slice.Length / group.Size;
        for (int i = 0; i < rows; i++)
        {
            var fullRow = full.AsSpan(i * columns + group.Offset, group.Size);
            var sliceRow = slice.AsSpan(i * group.Size, group.Size);
            if (toSlice)
                fullRow.CopyTo(sliceRow);
            else
                sliceRow.CopyTo(fullRow);
        }
    }
}

namespace EqPropActors.Core.Network;

/// <summary>
/// What the network is, independent of how it is simulated: layer sizes (input first, output last), how hidden
/// layers are split into neuron groups, and the neurons' dynamics. Layer 0 is the clamped input.
/// </summary>
public sealed class NetworkSpec
{
    private readonly GroupSpec[][] _groupsByLayer;

    public NetworkSpec(IReadOnlyList<int> layerSizes, Activation activation = Activation.HardSigmoid,
        DynamicsForm form = DynamicsForm.Vf, int groupsPerHiddenLayer = 1)
    {
        if (layerSizes.Count < 2)
            throw new ArgumentException($"a network needs at least an input and an output layer, got {layerSizes.Count} layer(s)", nameof(layerSizes));
        for (int l = 0; l < layerSizes.Count; l++)
            if (layerSizes[l] < 1)
                throw new ArgumentException($"layer {l} has {layerSizes[l]} units; every layer needs at least one", nameof(layerSizes));
        if (groupsPerHiddenLayer < 1)
            throw new ArgumentException($"groups per hidden layer must be at least 1, got {groupsPerHiddenLayer}", nameof(groupsPerHiddenLayer));

        LayerSizes = layerSizes.ToArray();
        Activation = activation;
        Form = form;
        GroupsPerHiddenLayer = groupsPerHiddenLayer;

        var all = new List<GroupSpec>();
        _groupsByLayer = new GroupSpec[layerSizes.Count][];
        for (int l = 0; l < layerSizes.Count; l++)
        {
            bool hidden = l > 0 && l < layerSizes.Count - 1;
            int count = hidden ? groupsPerHiddenLayer : 1;
            if (count > layerSizes[l])
                throw new ArgumentException($"layer {l} has {layerSizes[l]} units, too few to split into {count} groups", nameof(groupsPerHiddenLayer));
            _groupsByLayer[l] = new GroupSpec[count];
            for (int g = 0; g < count; g++)
            {
                // Balanced split: the first (size mod count) groups get one extra unit.
                int offset = g * (layerSizes[l] / count) + Math.Min(g, layerSizes[l] % count);
                int size = layerSizes[l] / count + (g < layerSizes[l] % count ? 1 : 0);
                var group = new GroupSpec(all.Count, l, g, offset, size);
                _groupsByLayer[l][g] = group;
                all.Add(group);
            }
        }
        Groups = all;
    }

    public IReadOnlyList<int> LayerSizes { get; }
    public Activation Activation { get; }
    public DynamicsForm Form { get; }
    public int GroupsPerHiddenLayer { get; }

    /// <summary>Every group, input group first, in layer order. <c>Groups[i].Id == i</c>.</summary>
    public IReadOnlyList<GroupSpec> Groups { get; }

    public int LayerCount => LayerSizes.Count;
    public int OutputLayer => LayerSizes.Count - 1;
    public int InputSize => LayerSizes[0];
    public int OutputSize => LayerSizes[^1];

    /// <summary>Number of weight layers (layer pairs) L; pair l connects layer l−1 and layer l.</summary>
    public int PairCount => LayerSizes.Count - 1;

    public IReadOnlyList<GroupSpec> GroupsOf(int layer) => _groupsByLayer[layer];

    public IEnumerable<GroupSpec> FreeGroups => Groups.Where(g => g.Layer > 0);

    /// <summary>
    /// The groups whose rates drive <paramref name="group"/>, in the order its drive sums them: the layer below,
    /// then (below the output) the layer above; none for the clamped input. Neighbours are mutual, so these are
    /// also the groups <paramref name="group"/>'s rates drive.
    /// </summary>
    public IReadOnlyList<GroupSpec> SourcesOf(GroupSpec group) =>
        group.Layer == 0 ? []
        : group.Layer < OutputLayer ? [.. GroupsOf(group.Layer - 1), .. GroupsOf(group.Layer + 1)]
        : GroupsOf(group.Layer - 1);

    public string Describe() => string.Join('-', LayerSizes);

    public static IReadOnlyList<int> ParseLayers(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], out sizes[i]) || sizes[i] < 1)
                throw new FormatException($"--layers: '{parts[i]}' is not a positive layer size (expected e.g. 784,500,10)");
        if (sizes.Length < 2)
            throw new FormatException($"--layers: '{text}' names {sizes.Length} layer(s); expected input,hidden...,output such as 784,500,10");
        return sizes;
    }
}

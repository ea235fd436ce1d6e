using EqPropActors.Core.Network;

namespace EqPropActors.Cli.Bench;

/// <summary>One measured setting: the layer sizes, the free and nudged steps, the minibatch size.</summary>
public sealed record BenchConfiguration(int[] Layers, int T1, int T2, int Batch)
{
    /// <summary>EP 2017's two reference networks with their step counts; batch 100 shows what a wider product gains.</summary>
    public static IReadOnlyList<BenchConfiguration> Reference { get; } =
    [
        new([784, 500, 10], 20, 4, 20),
        new([784, 500, 10], 20, 4, 100),
        new([784, 500, 500, 10], 100, 6, 20),
    ];

    /// <summary>The distributed engines also at batch 256, where a message's payload dwarfs its overhead.</summary>
    public static IReadOnlyList<BenchConfiguration> WithLargeBatch { get; } = [.. Reference, new([784, 500, 10], 20, 4, 256)];

    public string Network => string.Join('-', Layers);

    public NetworkSpec Spec(int groupsPerHiddenLayer = 1) => new(Layers, groupsPerHiddenLayer: groupsPerHiddenLayer);
}

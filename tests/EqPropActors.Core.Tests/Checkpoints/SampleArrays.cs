using EqPropActors.Core.Checkpoints;

namespace EqPropActors.Core.Tests.Checkpoints;

/// <summary>Arrays with distinct, position-dependent values, so a transposed or shifted read shows up.</summary>
internal static class SampleArrays
{
    public static NpyArray Make(string name, NpyDType dtype, params int[] shape)
    {
        var count = shape.Aggregate(1, (product, dimension) => product * dimension);
        var positions = Enumerable.Range(0, count);
        return dtype switch
        {
            NpyDType.Float32 => new NpyArray(name, shape, positions.Select(i => i * 0.5f - 3.25f).ToArray()),
            NpyDType.Float64 => new NpyArray(name, shape, positions.Select(i => i / 3.0 - 1e-300).ToArray()),
            NpyDType.Int32 => new NpyArray(name, shape, positions.Select(i => i * 7 - 11).ToArray()),
            NpyDType.Int64 => new NpyArray(name, shape, positions.Select(i => i * 1_000_000_007L - (1L << 40)).ToArray()),
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
        };
    }
}

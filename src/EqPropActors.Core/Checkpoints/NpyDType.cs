namespace EqPropActors.Core.Checkpoints;

/// <summary>The element types a checkpoint array may have; kept small so every one is tested.</summary>
public enum NpyDType
{
    Float32,
    Float64,
    Int32,
    Int64,
}

internal static class NpyDTypeExtensions
{
    /// <summary>The NumPy 'descr' string; always little-endian, which is what NumPy writes on x86 and ARM.</summary>
    public static string Descr(this NpyDType dtype) => dtype switch
    {
        NpyDType.Float32 => "<f4",
        NpyDType.Float64 => "<f8",
        NpyDType.Int32 => "<i4",
        NpyDType.Int64 => "<i8",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    public static int ItemSize(this NpyDType dtype) => dtype switch
    {
        NpyDType.Float32 or NpyDType.Int32 => 4,
        NpyDType.Float64 or NpyDType.Int64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    public static bool TryParseDescr(string descr, out NpyDType dtype)
    {
        foreach (var candidate in Enum.GetValues<NpyDType>())
        {
            if (candidate.Descr() == descr)
            {
                dtype = candidate;
                return true;
            }
        }
        dtype = default;
        return false;
    }

    public static Array AllocateArray(this NpyDType dtype, int length) => dtype switch
    {
        NpyDType.Float32 => new float[length],
        NpyDType.Float64 => new double[length],
        NpyDType.Int32 => new int[length],
        NpyDType.Int64 => new long[length],
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };
}

namespace EqPropActors.Core.Kernels;

/// <summary>Buffers are padded to whole 512-bit vectors so that kernels need no scalar tails.</summary>
public static class Padding
{
    public const int Lanes = 16;

    public static int RoundUp(int count) => (count + Lanes - 1) / Lanes * Lanes;
}

using System.Numerics;

namespace EqPropActors.Core.Data;

/// <summary>Converts 8-bit pixels to floats in [0, 1]; vectorised because a full MNIST-size set has 47 million pixels.</summary>
internal static class BytePixels
{
    private const float MaxByte = byte.MaxValue;

    public static float[] ToUnitFloats(ReadOnlySpan<byte> pixels)
    {
        var floats = GC.AllocateUninitializedArray<float>(pixels.Length);
        var target = floats.AsSpan();
        var divisor = new Vector<float>(MaxByte);
        var i = 0;
        for (; i <= pixels.Length - Vector<byte>.Count; i += Vector<byte>.Count)
        {
            Vector.Widen(new Vector<byte>(pixels[i..]), out var low, out var high);
            WriteQuarters(low, target[i..], divisor);
            WriteQuarters(high, target[(i + Vector<ushort>.Count)..], divisor);
        }

        for (; i < pixels.Length; i++)
        {
            // Division, like the vector path, so both give the same correctly rounded value.
            target[i] = pixels[i] / MaxByte;
        }

        return floats;
    }

    private static void WriteQuarters(Vector<ushort> values, Span<float> target, Vector<float> divisor)
    {
        Vector.Widen(values, out var low, out var high);
        (Vector.ConvertToSingle(low) / divisor).CopyTo(target);
        (Vector.ConvertToSingle(high) / divisor).CopyTo(target[Vector<uint>.Count..]);
    }
}

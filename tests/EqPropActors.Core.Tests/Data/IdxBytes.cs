using System.Buffers.Binary;
using System.IO.Compression;

namespace EqPropActors.Core.Tests.Data;

/// <summary>Builds IDX file contents byte by byte, so tests can make both valid and damaged files.</summary>
internal static class IdxBytes
{
    public const byte UnsignedByteType = 0x08;

    public static byte[] Header(byte dataType, params int[] dimensions)
    {
        var header = new byte[4 + 4 * dimensions.Length];
        header[2] = dataType;
        header[3] = (byte)dimensions.Length;
        for (var i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), dimensions[i]);
        }

        return header;
    }

    /// <summary>An images file whose payload byte k is <see cref="PixelValue"/>(k), so every byte is predictable.</summary>
    public static byte[] Images(int count, int rows, int columns) =>
        [.. Header(UnsignedByteType, count, rows, columns), .. Enumerable.Range(0, count * rows * columns).Select(PixelValue)];

    // 7 and 251 are coprime, so neighbouring pixels and images all differ.
    public static byte PixelValue(int flatIndex) => (byte)(flatIndex * 7 % 251);

    public static byte[] Labels(params byte[] labels) => [.. Header(UnsignedByteType, labels.Length), .. labels];

    public static byte[] Gzip(byte[] content)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal))
        {
            gzip.Write(content);
        }

        return compressed.ToArray();
    }
}

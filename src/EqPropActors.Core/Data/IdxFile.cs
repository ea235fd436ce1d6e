using System.Buffers.Binary;
using System.IO.Compression;

namespace EqPropActors.Core.Data;

/// <summary>
/// An IDX file of unsigned bytes, the format of MNIST and Fashion-MNIST: a 4-byte magic number
/// <c>00 00 08 D</c> (two zero bytes, data type 0x08 = unsigned byte, D = dimension count), then D
/// big-endian int32 sizes, then exactly the product of the sizes in bytes, row-major.
/// The file may be gzip-compressed; that is told by its first bytes, not by its name, because
/// decompressed copies are often left with a <c>.gz</c> name and vice versa.
/// </summary>
public sealed class IdxFile
{
    public const int ImageDimensionCount = 3;
    public const int LabelDimensionCount = 1;

    private const byte UnsignedByteType = 0x08;
    private const int MagicLength = 4;

    // Deflate cannot expand data by more than about 1032:1, so a gzip file claiming more is corrupt;
    // checking this first avoids allocating gigabytes because of a damaged header.
    private const long MaxGzipExpansion = 1100;

    private readonly int[] _dimensions;
    private readonly byte[] _data;

    private IdxFile(string path, int[] dimensions, byte[] data)
    {
        Path = path;
        _dimensions = dimensions;
        _data = data;
    }

    public string Path { get; }

    /// <summary>Sizes from the header, outermost first: [count, rows, columns] for images, [count] for labels.</summary>
    public IReadOnlyList<int> Dimensions => _dimensions;

    public int ItemCount => _dimensions[0];

    /// <summary>Bytes per item, e.g. rows × columns for an images file and 1 for a labels file.</summary>
    public int ItemSize => _data.Length / ItemCount;

    public ReadOnlySpan<byte> Data => _data;

    public static IdxFile ReadImages(string path) => Read(path, ImageDimensionCount);

    public static IdxFile ReadLabels(string path) => Read(path, LabelDimensionCount);

    public static IdxFile Read(string path, int expectedDimensionCount)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Data file '{path}' does not exist.", path);
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        if (file.Length == 0)
        {
            throw new DataFormatException(path, "the file is empty");
        }

        var isGzip = StartsWithGzipMagic(file);
        using var content = isGzip ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        try
        {
            var dimensions = ReadHeader(content, path, expectedDimensionCount, isGzip);
            var payloadLength = PayloadLength(dimensions, path);
            var headerLength = MagicLength + 4L * dimensions.Length;
            var maxPayload = isGzip ? file.Length * MaxGzipExpansion : file.Length - headerLength;
            if (payloadLength > maxPayload)
            {
                throw isGzip
                    ? new DataFormatException(path, $"the header claims more data than a gzip file of {file.Length} bytes can hold", expected: $"{payloadLength} payload bytes", found: $"at most {maxPayload}")
                    : TruncatedPayload(path, payloadLength, maxPayload, isGzip: false);
            }

            var data = GC.AllocateUninitializedArray<byte>((int)payloadLength);
            var read = content.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
            if (read < data.Length)
            {
                throw TruncatedPayload(path, payloadLength, read, isGzip);
            }

            var trailing = CountRemainingBytes(content);
            if (trailing > 0)
            {
                throw new DataFormatException(path, $"{trailing} unexpected bytes after the payload", expected: $"{payloadLength} payload bytes", found: $"{payloadLength + trailing}");
            }

            return new IdxFile(path, dimensions, data);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"the gzip stream is corrupt ({e.Message})", e);
        }
    }

    private static bool StartsWithGzipMagic(FileStream file)
    {
        Span<byte> start = stackalloc byte[2];
        var read = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        file.Position = 0;
        return read == 2 && start[0] == 0x1F && start[1] == 0x8B;
    }

    private static int[] ReadHeader(Stream content, string path, int expectedDimensionCount, bool isGzip)
    {
        Span<byte> magic = stackalloc byte[MagicLength];
        var read = content.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        if (read < MagicLength)
        {
            throw new DataFormatException(path, "too short to hold the IDX magic number" + GzipNote(isGzip), expected: $"{MagicLength} bytes", found: read);
        }

        var expectedMagic = $"0x{UnsignedByteType << 8 | expectedDimensionCount:X8}";
        var foundMagic = $"0x{BinaryPrimitives.ReadUInt32BigEndian(magic):X8}";
        if (magic[0] != 0 || magic[1] != 0)
        {
            var hint = !isGzip && path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
                ? "not an IDX file, and not gzip-compressed although the name ends in .gz"
                : "not an IDX file: wrong magic number";
            throw new DataFormatException(path, hint, expectedMagic, foundMagic);
        }

        if (magic[2] != UnsignedByteType)
        {
            throw new DataFormatException(path, $"unsupported IDX data type byte 0x{magic[2]:X2}; only 0x08 (unsigned byte) is supported", expectedMagic, foundMagic);
        }

        if (magic[3] != expectedDimensionCount)
        {
            throw new DataFormatException(path, $"wrong dimension count {magic[3]} in the magic number", expectedMagic, foundMagic);
        }

        var dimensions = new int[expectedDimensionCount];
        Span<byte> sizes = stackalloc byte[4 * expectedDimensionCount];
        read = content.ReadAtLeast(sizes, sizes.Length, throwOnEndOfStream: false);
        if (read < sizes.Length)
        {
            throw new DataFormatException(path, "the header's dimension sizes are truncated" + GzipNote(isGzip), expected: $"{sizes.Length} bytes", found: read);
        }

        for (var i = 0; i < dimensions.Length; i++)
        {
            dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(sizes[(4 * i)..]);
            if (dimensions[i] <= 0)
            {
                throw new DataFormatException(path, $"dimension {i} must be positive", expected: "> 0", found: dimensions[i]);
            }
        }

        return dimensions;
    }

    private static long PayloadLength(int[] dimensions, string path)
    {
        long product = 1;
        foreach (var size in dimensions)
        {
            product *= size;
            if (product > Array.MaxLength)
            {
                throw new DataFormatException(path, "the dimensions are implausibly large", expected: $"at most {Array.MaxLength} bytes in all", found: string.Join("×", dimensions));
            }
        }

        return product;
    }

    private static DataFormatException TruncatedPayload(string path, long expected, long found, bool isGzip) =>
        new(path, "the payload is truncated" + GzipNote(isGzip), expected: $"{expected} payload bytes", found: $"{found}");

    // GZipStream reports a cut-off compressed stream as a plain early end, so a short gzip file shows
    // up as short content; saying so points at the likely cause, an interrupted download or copy.
    private static string GzipNote(bool isGzip) => isGzip ? " after gzip decompression (the compressed file may be cut short)" : "";

    private static long CountRemainingBytes(Stream content)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = content.Read(buffer)) > 0)
        {
            total += read;
        }

        return total;
    }
}

using System.Buffers.Binary;
using System.Text;

namespace EqPropActors.Core.Checkpoints;

/// <summary>
/// One array in NumPy's .npy format, version 1.0:
/// https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
/// Problems are reported as <see cref="InvalidDataException"/> with the bare problem text;
/// <see cref="NpzArchive"/> adds which archive and entry they came from.
/// </summary>
internal static class NpyFormat
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const byte MajorVersion = 1;
    private const byte MinorVersion = 0;
    private const int PreambleLength = 10; // magic, two version bytes, little-endian uint16 header length
    private const int DataAlignment = 64; // NumPy aligns the data so it can be memory-mapped

    public static void Write(Stream stream, NpyArray array)
    {
        EnsureLittleEndianHost();
        var header = BuildHeader(array);
        Span<byte> preamble = stackalloc byte[PreambleLength];
        Magic.CopyTo(preamble);
        preamble[6] = MajorVersion;
        preamble[7] = MinorVersion;
        BinaryPrimitives.WriteUInt16LittleEndian(preamble[8..], (ushort)header.Length);
        stream.Write(preamble);
        stream.Write(header);
        stream.Write(array.DataBytes());
    }

    public static NpyArray Read(Stream stream, string name)
    {
        EnsureLittleEndianHost();
        Span<byte> preamble = stackalloc byte[PreambleLength];
        var preambleRead = stream.ReadAtLeast(preamble, PreambleLength, throwOnEndOfStream: false);
        if (preambleRead < PreambleLength || !preamble[..6].SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a .npy array: it does not start with the magic bytes \\x93NUMPY");
        }
        if (preamble[6] != MajorVersion || preamble[7] != MinorVersion)
        {
            throw new InvalidDataException(
                $".npy format version {preamble[6]}.{preamble[7]} is not supported; only {MajorVersion}.{MinorVersion} is");
        }

        var headerBytes = new byte[BinaryPrimitives.ReadUInt16LittleEndian(preamble[8..])];
        if (stream.ReadAtLeast(headerBytes, headerBytes.Length, throwOnEndOfStream: false) < headerBytes.Length)
        {
            throw new InvalidDataException($"the header is cut short: it should be {headerBytes.Length} bytes");
        }
        if (headerBytes.Any(b => b > 0x7F))
        {
            throw new InvalidDataException("the header contains non-ASCII bytes");
        }
        var header = NpyHeaderParser.Parse(Encoding.ASCII.GetString(headerBytes));

        var elementCount = NpyArray.ElementCountOf(name, header.Shape);
        if (elementCount > Array.MaxLength / header.DType.ItemSize())
        {
            throw new InvalidDataException($"shape {NpyArray.FormatShape(header.Shape)} is too large to load");
        }
        var array = new NpyArray(name, header.Shape, header.DType.AllocateArray((int)elementCount), header.DType);
        var data = array.DataBytes();
        var dataRead = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (dataRead < data.Length || stream.ReadByte() != -1)
        {
            throw new InvalidDataException(
                $"shape {NpyArray.FormatShape(header.Shape)} of {header.DType.Descr()} needs exactly {data.Length} data bytes, " +
                $"but the entry has {(dataRead < data.Length ? dataRead.ToString() : "more")}");
        }
        return array;
    }

    private static byte[] BuildHeader(NpyArray array)
    {
        var dictionary =
            $"{{'descr': '{array.DType.Descr()}', 'fortran_order': False, 'shape': {NpyArray.FormatShape(array.Shape)}, }}";
        var unpaddedLength = PreambleLength + dictionary.Length + 1; // + the closing newline
        var paddedLength = (unpaddedLength + DataAlignment - 1) / DataAlignment * DataAlignment;
        var headerLength = paddedLength - PreambleLength;
        if (headerLength > ushort.MaxValue)
        {
            throw new ArgumentException($"Array '{array.Name}' has too many dimensions for a .npy 1.0 header.");
        }
        return Encoding.ASCII.GetBytes(dictionary + new string(' ', paddedLength - unpaddedLength) + "\n");
    }

    // The data is copied byte for byte, so the byte order of this machine must match the '<' in the descr.
    private static void EnsureLittleEndianHost()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException(".npy reading and writing is only implemented for little-endian machines.");
        }
    }
}

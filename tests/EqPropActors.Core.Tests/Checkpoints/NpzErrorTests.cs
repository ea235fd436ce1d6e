using System.IO.Compression;
using System.Text;
using EqPropActors.Core.Checkpoints;

namespace EqPropActors.Core.Tests.Checkpoints;

public sealed class NpzErrorTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("")]
    [InlineData("layer/weights")]
    [InlineData("layer\\weights")]
    [InlineData("line\nbreak")]
    public void IllegalNamesAreRefused(string name)
    {
        var thrown = Assert.Throws<ArgumentException>(() => NpyArray.Scalar(name, 1));

        Assert.Contains("is not allowed", thrown.Message);
    }

    [Fact]
    public void ShapeAndDataLengthMustAgree()
    {
        var mismatch = Assert.Throws<ArgumentException>(() => new NpyArray("w", [2, 3], new float[5]));
        var negative = Assert.Throws<ArgumentException>(() => new NpyArray("w", [-1], new float[0]));

        Assert.Contains("Array 'w': shape (2, 3) holds 6 elements but the data has 5", mismatch.Message);
        Assert.Contains("negative dimension", negative.Message);
    }

    [Fact]
    public void DuplicateNamesAreRefusedAndNothingIsWritten()
    {
        var path = _directory.File("duplicate.npz");

        var thrown = Assert.Throws<ArgumentException>(() =>
            NpzArchive.Write(path, [NpyArray.Scalar("epoch", 1), NpyArray.Scalar("epoch", 2)]));

        Assert.Contains("Two arrays are named 'epoch'", thrown.Message);
        Assert.Empty(_directory.FileNames());
    }

    [Fact]
    public void AMissingEntryNamesTheArchiveTheEntryAndWhatIsThere()
    {
        var path = _directory.File("checkpoint.npz");
        NpzArchive.Write(path, [NpyArray.Scalar("epoch", 1), NpyArray.Scalar("seed", 2)]);

        var thrown = Assert.Throws<NpzFormatException>(() => NpzArchive.Read(path)["weights"]);

        Assert.Equal($"'{path}', entry 'weights.npy': missing entry (the archive holds: 'epoch', 'seed')", thrown.Message);
    }

    [Fact]
    public void AFileThatIsNotAZipArchiveNamesTheArchive()
    {
        var path = _directory.File("garbage.npz");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("this is not a zip archive at all, just some text"));

        var thrown = Assert.Throws<NpzFormatException>(() => NpzArchive.Read(path));

        Assert.StartsWith($"'{path}': not a readable zip archive", thrown.Message);
        Assert.Null(thrown.EntryName);
    }

    [Fact]
    public void ATruncatedArchiveIsReportedAsUnreadable()
    {
        var path = _directory.File("truncated.npz");
        NpzArchive.Write(path, [SampleArrays.Make("w", NpyDType.Float64, 100)]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var thrown = Assert.Throws<NpzFormatException>(() => NpzArchive.Read(path));

        Assert.Equal(path, thrown.ArchivePath);
    }

    [Fact]
    public void AMissingArchiveIsAFileNotFoundException()
    {
        var path = _directory.File("absent.npz");

        var thrown = Assert.Throws<FileNotFoundException>(() => NpzArchive.Read(path));

        Assert.Contains(path, thrown.Message);
    }

    [Theory]
    [InlineData("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", "dtype '<c8' is not supported (supported: <f4, <f8, <i4, <i8)")]
    [InlineData("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", "dtype '>f4' is not supported")]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", "Fortran-order (column-major) arrays are not supported")]
    [InlineData("{'descr': '<f4', 'shape': (1,), }", "header has no 'fortran_order' key")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1, }", "unknown key 'extra'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1), }", "needs a trailing comma")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': [1], }", "expected a string, True, False or a tuple")]
    [InlineData("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", "expected a string, True, False or a tuple")]
    [InlineData("{'descr': 4, 'fortran_order': False, 'shape': (1,), }", "expected a string, True, False or a tuple")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "expected a non-negative integer dimension")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } junk", "expected only space padding and a final newline")]
    public void AMalformedHeaderIsReportedWithArchiveEntryAndProblem(string header, string expectedProblem)
    {
        var path = WriteRawArchive("array.npy", NpyBytes(header, new byte[4]));

        var thrown = Assert.Throws<NpzFormatException>(() => NpzArchive.Read(path));

        Assert.StartsWith($"'{path}', entry 'array.npy': ", thrown.Message);
        Assert.Contains(expectedProblem, thrown.Message);
        Assert.Equal("array.npy", thrown.EntryName);
    }

    [Theory]
    [InlineData(3, "shape (2,) of <i4 needs exactly 8 data bytes, but the entry has 3")]
    [InlineData(12, "shape (2,) of <i4 needs exactly 8 data bytes, but the entry has more")]
    public void DataThatDoesNotMatchTheShapeIsReported(int dataLength, string expectedProblem)
    {
        var path = WriteRawArchive("counts.npy",
            NpyBytes("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", new byte[dataLength]));

        var thrown = Assert.Throws<NpzFormatException>(() => NpzArchive.Read(path));

        Assert.Equal($"'{path}', entry 'counts.npy': {expectedProblem}", thrown.Message);
    }

    [Fact]
    public void AnEntryWithoutTheMagicBytesIsReported()
    {
        var path = WriteRawArchive("w.npy", Encoding.ASCII.GetBytes("just text, not an array"));

        var thrown = Assert.Throws<NpzFormatException>(() => NpzArchive.Read(path));

        Assert.Contains("entry 'w.npy': not a .npy array", thrown.Message);
    }

    [Fact]
    public void AnotherFormatVersionIsReported()
    {
        var bytes = NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        bytes[6] = 2;
        var path = WriteRawArchive("w.npy", bytes);

        var thrown = Assert.Throws<NpzFormatException>(() => NpzArchive.Read(path));

        Assert.Contains(".npy format version 2.0 is not supported; only 1.0 is", thrown.Message);
    }

    [Fact]
    public void AnEntryThatIsNotAnArrayIsReported()
    {
        var path = WriteRawArchive("notes.txt", Encoding.ASCII.GetBytes("hello"));

        var thrown = Assert.Throws<NpzFormatException>(() => NpzArchive.Read(path));

        Assert.Contains("entry 'notes.txt': not an array: entry names must end in '.npy'", thrown.Message);
    }

    private string WriteRawArchive(string entryName, byte[] entryContent)
    {
        var path = _directory.File("handmade.npz");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using var entryStream = zip.CreateEntry(entryName).Open();
        entryStream.Write(entryContent);
        return path;
    }

    /// <summary>A version 1.0 .npy entry around a given header dict, padded the way NumPy pads it.</summary>
    private static byte[] NpyBytes(string headerDictionary, byte[] data)
    {
        var unpadded = 10 + headerDictionary.Length + 1;
        var header = headerDictionary + new string(' ', (64 - unpadded % 64) % 64) + "\n";
        byte[] preamble = [0x93, .. "NUMPY"u8, 1, 0, .. BitConverter.GetBytes((ushort)header.Length)];
        return [.. preamble, .. Encoding.ASCII.GetBytes(header), .. data];
    }
}

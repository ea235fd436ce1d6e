using EqPropActors.Core.Data;

namespace EqPropActors.Core.Tests.Data;

public sealed class IdxFileTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void RawAndGzippedCopiesReadBackTheSameHeaderAndPayload()
    {
        var content = IdxBytes.Images(count: 3, rows: 4, columns: 5);
        var raw = IdxFile.ReadImages(_directory.Write("images-idx3-ubyte", content));
        var gzipped = IdxFile.ReadImages(_directory.Write("images-idx3-ubyte.gz", IdxBytes.Gzip(content)));

        Assert.Equal([3, 4, 5], raw.Dimensions);
        Assert.Equal(3, raw.ItemCount);
        Assert.Equal(20, raw.ItemSize);
        Assert.Equal(content[16..], raw.Data.ToArray());
        Assert.Equal(raw.Dimensions, gzipped.Dimensions);
        Assert.Equal(raw.Data.ToArray(), gzipped.Data.ToArray());
    }

    [Fact]
    public void CompressionIsToldByContentNotByName()
    {
        var content = IdxBytes.Labels(1, 2, 3);
        var gzipWithoutSuffix = IdxFile.ReadLabels(_directory.Write("labels-idx1-ubyte", IdxBytes.Gzip(content)));
        var rawWithGzSuffix = IdxFile.ReadLabels(_directory.Write("labels-idx1-ubyte.gz", content));

        Assert.Equal(new byte[] { 1, 2, 3 }, gzipWithoutSuffix.Data.ToArray());
        Assert.Equal(new byte[] { 1, 2, 3 }, rawWithGzSuffix.Data.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WrongMagicNumberIsRefused(bool gzip)
    {
        var content = IdxBytes.Images(1, 2, 2);
        content[1] = 0x01;

        var error = ReadBroken("wrong-magic", content, gzip, IdxFile.ImageDimensionCount);

        Assert.Contains("wrong magic number", error.Message);
        Assert.Contains("expected 0x00000803, found 0x00010803", error.Message);
    }

    [Fact]
    public void UnsupportedDataTypeIsRefused()
    {
        var content = IdxBytes.Images(1, 2, 2);
        content[2] = 0x0D; // 32-bit float in the IDX convention

        var error = ReadBroken("float-type", content, gzip: false, IdxFile.ImageDimensionCount);

        Assert.Contains("unsupported IDX data type byte 0x0D", error.Message);
        Assert.Contains("found 0x00000D03", error.Message);
    }

    [Fact]
    public void LabelsFileReadAsImagesIsRefusedForItsDimensionCount()
    {
        var error = ReadBroken("labels-as-images", IdxBytes.Labels(1, 2), gzip: false, IdxFile.ImageDimensionCount);

        Assert.Contains("wrong dimension count 1", error.Message);
        Assert.Contains("expected 0x00000803, found 0x00000801", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedPayloadSaysHowManyBytesWereExpectedAndFound(bool gzip)
    {
        var content = IdxBytes.Images(count: 2, rows: 3, columns: 3)[..(16 + 10)];

        var error = ReadBroken("truncated", content, gzip, IdxFile.ImageDimensionCount);

        Assert.Contains("the payload is truncated", error.Message);
        Assert.Contains("expected 18 payload bytes, found 10", error.Message);
    }

    [Fact]
    public void GzipStreamCutShortIsRefused()
    {
        var compressed = IdxBytes.Gzip(IdxBytes.Images(count: 50, rows: 28, columns: 28));

        var error = ReadBroken("cut-gzip", compressed[..(compressed.Length / 2)], gzip: false, IdxFile.ImageDimensionCount);

        Assert.Contains("the payload is truncated after gzip decompression", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TrailingBytesAreRefused(bool gzip)
    {
        byte[] content = [.. IdxBytes.Labels(1, 2, 3), 0xAA, 0xBB];

        var error = ReadBroken("trailing", content, gzip, IdxFile.LabelDimensionCount);

        Assert.Contains("2 unexpected bytes after the payload", error.Message);
    }

    [Fact]
    public void ZeroDimensionIsRefused()
    {
        var error = ReadBroken("zero-rows", IdxBytes.Header(IdxBytes.UnsignedByteType, 5, 0, 28), gzip: false, IdxFile.ImageDimensionCount);

        Assert.Contains("dimension 1 must be positive", error.Message);
        Assert.Contains("found 0", error.Message);
    }

    [Fact]
    public void NegativeDimensionIsRefused()
    {
        var error = ReadBroken("negative-count", IdxBytes.Header(IdxBytes.UnsignedByteType, -1), gzip: false, IdxFile.LabelDimensionCount);

        Assert.Contains("dimension 0 must be positive", error.Message);
    }

    [Fact]
    public void HeaderClaimingMoreThanTheFileCanHoldIsRefusedBeforeAllocating()
    {
        var error = ReadBroken("huge", IdxBytes.Header(IdxBytes.UnsignedByteType, 60_000, 4096, 4096), gzip: false, IdxFile.ImageDimensionCount);

        Assert.Contains("the dimensions are implausibly large", error.Message);
        Assert.Contains("found 60000×4096×4096", error.Message);
    }

    [Fact]
    public void GzipFileTooSmallForItsClaimedPayloadIsRefusedBeforeAllocating()
    {
        var error = ReadBroken("tiny-gzip", IdxBytes.Header(IdxBytes.UnsignedByteType, 1_000, 100, 100), gzip: true, IdxFile.ImageDimensionCount);

        Assert.Contains("the header claims more data than a gzip file of", error.Message);
        Assert.Contains("expected 10000000 payload bytes", error.Message);
    }

    [Fact]
    public void EmptyFileIsRefused()
    {
        var error = ReadBroken("empty", [], gzip: false, IdxFile.LabelDimensionCount);

        Assert.Contains("the file is empty", error.Message);
    }

    [Fact]
    public void FileShorterThanTheMagicNumberIsRefused()
    {
        var error = ReadBroken("three-bytes", [0, 0, 8], gzip: false, IdxFile.LabelDimensionCount);

        Assert.Contains("too short to hold the IDX magic number", error.Message);
        Assert.Contains("expected 4 bytes, found 3", error.Message);
    }

    [Fact]
    public void GarbageNamedGzIsRefusedAsNeitherGzipNorIdx()
    {
        var path = _directory.Write("train-images-idx3-ubyte.gz", "<html>404 Not Found</html>"u8.ToArray());

        var error = Assert.Throws<DataFormatException>(() => IdxFile.ReadImages(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("not gzip-compressed although the name ends in .gz", error.Message);
    }

    [Fact]
    public void GzipHeaderWithoutContentPointsAtTheCompressedFile()
    {
        var path = _directory.Write("broken.gz", [0x1F, 0x8B, 0x08, 0x00, 0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04]);

        var error = Assert.Throws<DataFormatException>(() => IdxFile.ReadLabels(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("too short to hold the IDX magic number after gzip decompression", error.Message);
    }

    [Fact]
    public void CorruptDeflateDataIsReportedAsCorruptGzip()
    {
        // A valid 10-byte gzip header, then a final stored deflate block whose length (5) and the
        // length's one's complement (should be 0xFFFA, is 0) disagree: invalid for every inflater.
        byte[] gzipHeader = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF];
        var path = _directory.Write("bad-deflate.gz", [.. gzipHeader, 0x01, 0x05, 0x00, 0x00, 0x00, 0x41]);

        var error = Assert.Throws<DataFormatException>(() => IdxFile.ReadLabels(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("the gzip stream is corrupt", error.Message);
    }

    [Fact]
    public void MissingFileIsReportedWithItsPath()
    {
        var path = Path.Combine(_directory.Path, "no-such-file.gz");

        var error = Assert.Throws<FileNotFoundException>(() => IdxFile.ReadLabels(path));

        Assert.Contains(path, error.Message);
    }

    private DataFormatException ReadBroken(string name, byte[] content, bool gzip, int dimensionCount)
    {
        var path = gzip ? _directory.Write(name + ".gz", IdxBytes.Gzip(content)) : _directory.Write(name, content);
        var error = Assert.Throws<DataFormatException>(() => IdxFile.Read(path, dimensionCount));
        Assert.Contains(path, error.Message);
        Assert.Equal(path, error.FilePath);
        return error;
    }
}

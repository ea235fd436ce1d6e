using EqPropActors.Core;
using EqPropActors.Core.Data;

namespace EqPropActors.Core.Tests.Data;

public sealed class DatasetCatalogTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void LoadsAnMnistStyleDirectoryOfGzippedFiles()
    {
        WriteSet("train", IdxBytes.Images(4, 2, 3), IdxBytes.Labels(3, 1, 4, 1), gzip: true);
        WriteSet("t10k", IdxBytes.Images(2, 2, 3), IdxBytes.Labels(5, 9), gzip: true);

        var split = DatasetCatalog.Load(DatasetCatalog.Mnist, _directory.Path);

        Assert.Equal("mnist train", split.Train.Name);
        Assert.Equal(4, split.Train.Count);
        Assert.Equal(6, split.Train.FeatureCount);
        Assert.Equal(10, split.Train.ClassCount);
        Assert.Equal([3, 1, 4, 1], split.Train.Labels.ToArray());
        Assert.Equal([5, 9], split.Test.Labels.ToArray());
        Assert.Equal(IdxBytes.PixelValue(7) / 255f, split.Train.Pixels[7]);
    }

    [Fact]
    public void AcceptsUncompressedFiles()
    {
        WriteSet("train", IdxBytes.Images(3, 2, 2), IdxBytes.Labels(0, 1, 2), gzip: false);
        WriteSet("t10k", IdxBytes.Images(1, 2, 2), IdxBytes.Labels(3), gzip: false);

        var split = DatasetCatalog.Load(DatasetCatalog.FashionMnist, _directory.Path);

        Assert.Equal(3, split.Train.Count);
        Assert.Equal(1, split.Test.Count);
    }

    [Fact]
    public void LabelCountDifferentFromImageCountNamesBothFiles()
    {
        WriteSet("train", IdxBytes.Images(5, 2, 2), IdxBytes.Labels(0, 1, 2, 3), gzip: true);
        WriteSet("t10k", IdxBytes.Images(1, 2, 2), IdxBytes.Labels(0), gzip: true);

        var error = Assert.Throws<DataFormatException>(() => DatasetCatalog.Load(DatasetCatalog.Mnist, _directory.Path));

        Assert.Contains("train-labels-idx1-ubyte.gz", error.Message);
        Assert.Contains("train-images-idx3-ubyte.gz", error.Message);
        Assert.Contains("the label count does not match the image count", error.Message);
        Assert.Contains("expected 5, found 4", error.Message);
    }

    [Fact]
    public void TestImagesOfAnotherSizeAreRefused()
    {
        WriteSet("train", IdxBytes.Images(2, 28, 28), IdxBytes.Labels(0, 1), gzip: true);
        WriteSet("t10k", IdxBytes.Images(2, 32, 32), IdxBytes.Labels(0, 1), gzip: true);

        var error = Assert.Throws<DataFormatException>(() => DatasetCatalog.Load(DatasetCatalog.Mnist, _directory.Path));

        Assert.Contains("t10k-images-idx3-ubyte.gz", error.Message);
        Assert.Contains("train-images-idx3-ubyte.gz", error.Message);
        Assert.Contains("expected 28×28, found 32×32", error.Message);
    }

    [Fact]
    public void LabelAboveNineIsRefusedWithItsPosition()
    {
        WriteSet("train", IdxBytes.Images(3, 2, 2), IdxBytes.Labels(0, 1, 10), gzip: true);
        WriteSet("t10k", IdxBytes.Images(1, 2, 2), IdxBytes.Labels(0), gzip: true);

        var error = Assert.Throws<DataFormatException>(() => DatasetCatalog.Load(DatasetCatalog.Mnist, _directory.Path));

        Assert.Contains("train-labels-idx1-ubyte.gz", error.Message);
        Assert.Contains("label 2 is out of range (expected 0..9, found 10)", error.Message);
    }

    [Fact]
    public void MissingFileInAnExistingDirectoryIsNamed()
    {
        WriteSet("train", IdxBytes.Images(1, 2, 2), IdxBytes.Labels(0), gzip: true);

        var error = Assert.Throws<FileNotFoundException>(() => DatasetCatalog.Load(DatasetCatalog.Mnist, _directory.Path));

        Assert.Contains(Path.Combine(_directory.Path, "t10k-images-idx3-ubyte.gz"), error.Message);
    }

    [Fact]
    public void MissingFashionMnistDirectorySaysHowToGetIt()
    {
        var absent = Path.Combine(_directory.Path, "absent");

        var error = Assert.Throws<DirectoryNotFoundException>(() => DatasetCatalog.Load(DatasetCatalog.FashionMnist, absent));

        Assert.Contains(absent, error.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", error.Message);
        Assert.Contains("--data DIR", error.Message);
    }

    [Fact]
    public void MnistNeedsADirectory()
    {
        var error = Assert.Throws<ConfigurationException>(() => DatasetCatalog.Load(DatasetCatalog.Mnist, directory: null));

        Assert.Contains("--data DIR", error.Message);
    }

    [Fact]
    public void SyntheticRefusesADirectory()
    {
        var error = Assert.Throws<ConfigurationException>(() => DatasetCatalog.Load(DatasetCatalog.Synthetic, _directory.Path));

        Assert.Contains("leave --data out", error.Message);
    }

    [Fact]
    public void SyntheticIsTheBuiltInDefaultSize()
    {
        var split = DatasetCatalog.Load(DatasetCatalog.Synthetic, directory: null, trainSamples: 2_500);

        Assert.Equal(2_500, split.Train.Count);
        Assert.Equal(SyntheticDataset.DefaultTestCount, split.Test.Count);
    }

    [Fact]
    public void UnknownNameListsTheValidNames()
    {
        var error = Assert.Throws<ConfigurationException>(() => DatasetCatalog.Load("cifar10", directory: null));

        Assert.Contains("unknown data set 'cifar10'", error.Message);
        Assert.Contains("fashion-mnist, mnist, synthetic", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(5)]
    public void TrainSamplesOutsideOneToCountIsRefused(int trainSamples)
    {
        WriteSet("train", IdxBytes.Images(4, 2, 2), IdxBytes.Labels(0, 1, 2, 3), gzip: true);
        WriteSet("t10k", IdxBytes.Images(1, 2, 2), IdxBytes.Labels(0), gzip: true);

        var error = Assert.Throws<ConfigurationException>(() => DatasetCatalog.Load(DatasetCatalog.Mnist, _directory.Path, trainSamples));

        Assert.Contains("--train-samples must be between 1 and 4", error.Message);
    }

    private void WriteSet(string prefix, byte[] images, byte[] labels, bool gzip)
    {
        var suffix = gzip ? ".gz" : "";
        _directory.Write($"{prefix}-images-idx3-ubyte{suffix}", gzip ? IdxBytes.Gzip(images) : images);
        _directory.Write($"{prefix}-labels-idx1-ubyte{suffix}", gzip ? IdxBytes.Gzip(labels) : labels);
    }
}

using EqPropActors.Core.Data;

namespace EqPropActors.Core.Tests.Data;

/// <summary>
/// Reads the real Fashion-MNIST files installed by the Debian package dataset-fashion-mnist.
/// .ci/run installs the package; without it these tests fail and say how to install it.
/// </summary>
public sealed class FashionMnistTests
{
    private static void RequireInstalled() => Assert.True(Directory.Exists(DatasetCatalog.DefaultFashionMnistDirectory),
        $"{DatasetCatalog.DefaultFashionMnistDirectory} is missing: run 'apt-get install -y dataset-fashion-mnist' (as .ci/run does)");

    // Loaded once for the tests that need the whole set; loading takes a noticeable fraction of a second.
    private static readonly Lazy<DataSplit> FullSplit = new(() => DatasetCatalog.Load(DatasetCatalog.FashionMnist, directory: null));

    [Fact]
    public void LoadsTheFullSetsWithTheirKnownShape()
    {
        RequireInstalled();

        var split = FullSplit.Value;

        Assert.Equal(60_000, split.Train.Count);
        Assert.Equal(10_000, split.Test.Count);
        Assert.Equal(784, split.Train.FeatureCount);
        Assert.Equal(784, split.Test.FeatureCount);
        Assert.Equal(10, split.Train.ClassCount);
        Assert.Equal("fashion-mnist train", split.Train.Name);
    }

    [Fact]
    public void FirstLabelsAndFirstImageMatchTheFiles()
    {
        RequireInstalled();

        var split = FullSplit.Value;

        // Read once from the gzipped files with an independent tool (Python's gzip module).
        Assert.Equal([9, 0, 0, 3, 0, 2, 7, 2, 5, 5], split.Train.Labels[..10].ToArray());
        Assert.Equal([9, 2, 1, 1, 6, 1, 4, 6, 5, 7], split.Test.Labels[..10].ToArray());
        var firstImage = split.Train.Features(0).ToArray();
        Assert.Equal(76_247, firstImage.Sum(value => (int)MathF.Round(value * 255)));
        Assert.Equal(417, Array.IndexOf(firstImage, 1f));
    }

    [Fact]
    public void EveryClassHasAnEqualShare()
    {
        RequireInstalled();

        var split = FullSplit.Value;

        Assert.All(split.Train.Labels.ToArray().CountBy(label => label), pair => Assert.Equal(6_000, pair.Value));
        Assert.All(split.Test.Labels.ToArray().CountBy(label => label), pair => Assert.Equal(1_000, pair.Value));
        Assert.Equal(10, split.Train.Labels.ToArray().Distinct().Count());
    }

    [Fact]
    public void TrainSamplesKeepsTheFirstImagesAndTheWholeTestSet()
    {
        RequireInstalled();

        var split = DatasetCatalog.Load(DatasetCatalog.FashionMnist, directory: null, trainSamples: 1_000);

        Assert.Equal(1_000, split.Train.Count);
        Assert.Equal(10_000, split.Test.Count);
        Assert.Equal(9, split.Train.Labels[0]);
    }
}

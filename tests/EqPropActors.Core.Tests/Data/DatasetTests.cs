using EqPropActors.Core.Data;

namespace EqPropActors.Core.Tests.Data;

public sealed class DatasetTests
{
    // Four samples of three features; sample s has features s+0.1, s+0.2, s+0.3 scaled into [0, 1].
    private static readonly Dataset FourSamples = new(
        "four",
        [0.01f, 0.02f, 0.03f, 0.11f, 0.12f, 0.13f, 0.21f, 0.22f, 0.23f, 0.31f, 0.32f, 0.33f],
        [2, 0, 3, 1],
        featureCount: 3,
        classCount: 4);

    [Fact]
    public void ReportsItsShape()
    {
        Assert.Equal("four", FourSamples.Name);
        Assert.Equal(4, FourSamples.Count);
        Assert.Equal(3, FourSamples.FeatureCount);
        Assert.Equal(4, FourSamples.ClassCount);
        Assert.Equal([0.21f, 0.22f, 0.23f], FourSamples.Features(2).ToArray());
    }

    [Fact]
    public void CopyBatchWritesSelectedRowsOneHotTargetsAndZeroPadding()
    {
        const int inputStride = 5;
        const int targetStride = 6;
        var inputs = Enumerable.Repeat(-7f, 3 * inputStride).ToArray();
        var targets = Enumerable.Repeat(-7f, 3 * targetStride).ToArray();

        FourSamples.CopyBatch([3, 0, 3], inputs, inputStride, targets, targetStride);

        Assert.Equal(
            [0.31f, 0.32f, 0.33f, 0, 0,
             0.01f, 0.02f, 0.03f, 0, 0,
             0.31f, 0.32f, 0.33f, 0, 0],
            inputs);
        Assert.Equal(
            [0, 1, 0, 0, 0, 0,
             0, 0, 1, 0, 0, 0,
             0, 1, 0, 0, 0, 0],
            targets);
    }

    [Fact]
    public void CopyBatchLeavesValuesPastTheBatchUntouched()
    {
        var inputs = Enumerable.Repeat(-7f, 2 * 3).ToArray();
        var targets = Enumerable.Repeat(-7f, 2 * 4).ToArray();

        FourSamples.CopyBatch([1], inputs, 3, targets, 4);

        Assert.Equal([0.11f, 0.12f, 0.13f, -7f, -7f, -7f], inputs);
        Assert.Equal([1f, 0, 0, 0, -7f, -7f, -7f, -7f], targets);
    }

    [Fact]
    public void CopyBatchRefusesBadArguments()
    {
        var inputs = new float[6];
        var targets = new float[8];

        Assert.Throws<ArgumentOutOfRangeException>(() => FourSamples.CopyBatch([4], inputs, 3, targets, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => FourSamples.CopyBatch([-1], inputs, 3, targets, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => FourSamples.CopyBatch([0], inputs, 2, targets, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => FourSamples.CopyBatch([0], inputs, 3, targets, 3));
        var tooShort = Assert.Throws<ArgumentException>(() => FourSamples.CopyBatch([0, 1, 2], inputs, 3, targets, 4));
        Assert.Contains("need 9", tooShort.Message);
    }

    [Fact]
    public void TakeKeepsTheFirstSamples()
    {
        var firstTwo = FourSamples.Take(2);

        Assert.Equal(2, firstTwo.Count);
        Assert.Equal([2, 0], firstTwo.Labels.ToArray());
        Assert.Equal(FourSamples.Pixels[..6].ToArray(), firstTwo.Pixels.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => FourSamples.Take(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => FourSamples.Take(5));
    }

    [Fact]
    public void FromBytesScalesTo0To1Exactly()
    {
        var bytes = Enumerable.Range(0, 256).Select(value => (byte)value).ToArray();
        var labels = new byte[64];

        var dataset = Dataset.FromBytes("all bytes", bytes, labels, featureCount: 4, classCount: 2);

        for (var value = 0; value < 256; value++)
        {
            Assert.Equal(value / 255f, dataset.Pixels[value]);
        }
    }

    [Fact]
    public void ConstructorCopiesItsInputs()
    {
        float[] pixels = [0.5f, 0.5f];
        byte[] labels = [1, 0];
        var dataset = new Dataset("copy", pixels, labels, featureCount: 1, classCount: 2);

        pixels[0] = 0.9f;
        labels[0] = 0;

        Assert.Equal(0.5f, dataset.Pixels[0]);
        Assert.Equal(1, dataset.Labels[0]);
    }

    [Fact]
    public void ConstructorRefusesInconsistentData()
    {
        var lengthMismatch = Assert.Throws<ArgumentException>(() => new Dataset("odd", new float[5], new byte[2], 3, 2));
        Assert.Contains("5 pixel values do not fill 2 samples × 3 features", lengthMismatch.Message);

        var badLabel = Assert.Throws<ArgumentException>(() => new Dataset("labels", new float[3], [0, 1, 2], 1, 2));
        Assert.Contains("label 2 of sample 2 is not below the class count 2", badLabel.Message);

        var badPixel = Assert.Throws<ArgumentException>(() => new Dataset("pixels", [0f, 1.5f], [0, 1], 1, 2));
        Assert.Contains("pixel value 1.5 at index 1 is outside [0, 1]", badPixel.Message);

        var notANumber = Assert.Throws<ArgumentException>(() => new Dataset("nan", [float.NaN], [0], 1, 2));
        Assert.Contains("outside [0, 1]", notANumber.Message);

        Assert.Throws<ArgumentException>(() => new Dataset("empty", [], [], 1, 2));
    }
}

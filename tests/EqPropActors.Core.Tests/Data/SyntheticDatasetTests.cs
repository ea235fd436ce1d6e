using System.Runtime.InteropServices;
using System.Security.Cryptography;
using EqPropActors.Core.Data;

namespace EqPropActors.Core.Tests.Data;

public sealed class SyntheticDatasetTests
{
    [Fact]
    public void SameSeedGivesByteIdenticalData()
    {
        var first = SyntheticDataset.Generate(trainCount: 500, testCount: 100, seed: 5);
        var second = SyntheticDataset.Generate(trainCount: 500, testCount: 100, seed: 5);

        Assert.Equal(Fingerprint(first.Train), Fingerprint(second.Train));
        Assert.Equal(Fingerprint(first.Test), Fingerprint(second.Test));
    }

    [Fact]
    public void DifferentSeedsGiveDifferentData()
    {
        var five = SyntheticDataset.Generate(trainCount: 500, testCount: 100, seed: 5);
        var six = SyntheticDataset.Generate(trainCount: 500, testCount: 100, seed: 6);

        Assert.NotEqual(Fingerprint(five.Train), Fingerprint(six.Train));
        Assert.NotEqual(Fingerprint(five.Test), Fingerprint(six.Test));
    }

    [Fact]
    public void OutputIsPinnedAcrossRuntimesAndMachines()
    {
        // Results and papers cite runs on this data, so it must never change silently: a new .NET
        // version, a different CPU or an edit of the recipe that breaks this hash needs a deliberate decision.
        var split = SyntheticDataset.Generate(trainCount: 200, testCount: 50, seed: 7);

        Assert.Equal("71F5429BAC4B94F217A7BA362A1093659BC2C8FB1D0D84D0EEC0A07CE3AC1035", Fingerprint(split.Train));
        Assert.Equal("A0210C073D046F5354CDDFB54320BD9628B45898FFF47E4E774EF6503276591D", Fingerprint(split.Test));
    }

    [Fact]
    public void TestSetDoesNotDependOnTrainingSetSize()
    {
        var small = SyntheticDataset.Generate(trainCount: 100, testCount: 100, seed: 5);
        var large = SyntheticDataset.Generate(trainCount: 300, testCount: 100, seed: 5);

        Assert.Equal(Fingerprint(small.Test), Fingerprint(large.Test));
    }

    [Fact]
    public void DefaultHasMnistShapeAndBalancedClasses()
    {
        var split = SyntheticDataset.Generate();

        Assert.Equal(10_000, split.Train.Count);
        Assert.Equal(2_000, split.Test.Count);
        Assert.Equal(784, split.Train.FeatureCount);
        Assert.Equal(10, split.Train.ClassCount);
        Assert.All(ClassCounts(split.Train), count => Assert.Equal(1_000, count));
        Assert.All(ClassCounts(split.Test), count => Assert.Equal(200, count));
    }

    [Fact]
    public void ImagesUseTheWholeRangeWithMostlyDarkBackground()
    {
        var pixels = SyntheticDataset.Generate(trainCount: 1_000, testCount: 10).Train.Pixels.ToArray();

        Assert.Equal(0f, pixels.Min());
        Assert.Equal(1f, pixels.Max());
        // Strokes cover a small part of each picture, as digits do in MNIST.
        var brightShare = pixels.Count(value => value > 0.5f) / (double)pixels.Length;
        Assert.InRange(brightShare, 0.02, 0.25);
    }

    [Fact]
    public void ClassesAreLearnableButNotByATemplate()
    {
        // Nearest class mean is the simplest classifier: far above chance (10%) shows the labels
        // follow the images; far below 100% shows shifts, dropped and stray strokes make it hard
        // enough that a network has something to learn (measured: 62% here; a 784-500-10 MLP
        // trained by SGD reaches about 77%).
        var split = SyntheticDataset.Generate();
        var samplesPerClass = split.Train.Count / split.Train.ClassCount;
        var means = new double[split.Train.ClassCount, split.Train.FeatureCount];
        for (var sample = 0; sample < split.Train.Count; sample++)
        {
            var features = split.Train.Features(sample);
            for (var f = 0; f < features.Length; f++)
            {
                means[split.Train.Labels[sample], f] += features[f] / samplesPerClass;
            }
        }

        var correct = 0;
        for (var sample = 0; sample < split.Test.Count; sample++)
        {
            correct += NearestMean(means, split.Test.Features(sample)) == split.Test.Labels[sample] ? 1 : 0;
        }

        Assert.InRange(correct / (double)split.Test.Count, 0.45, 0.85);
    }

    [Fact]
    public void RefusesEmptySets()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticDataset.Generate(trainCount: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticDataset.Generate(testCount: 0));
    }

    private static string Fingerprint(Dataset dataset) =>
        Convert.ToHexString(SHA256.HashData([.. MemoryMarshal.AsBytes(dataset.Pixels), .. dataset.Labels]));

    private static int[] ClassCounts(Dataset dataset)
    {
        var counts = new int[dataset.ClassCount];
        foreach (var label in dataset.Labels)
        {
            counts[label]++;
        }

        return counts;
    }

    private static int NearestMean(double[,] means, ReadOnlySpan<float> features)
    {
        var best = -1;
        var bestDistance = double.MaxValue;
        for (var c = 0; c < means.GetLength(0); c++)
        {
            var distance = 0.0;
            for (var f = 0; f < features.Length; f++)
            {
                var difference = features[f] - means[c, f];
                distance += difference * difference;
            }

            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = c;
            }
        }

        return best;
    }
}

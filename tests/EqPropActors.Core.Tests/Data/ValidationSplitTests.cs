using EqPropActors.Core.Data;

namespace EqPropActors.Core.Tests.Data;

/// <summary>--validation N: a stratified, seeded, fixed hold-out of the training set (docs/usage.md, "Validation split").</summary>
public sealed class ValidationSplitTests
{
    // Unequal classes, so that the largest-remainder rounding matters: 7 of class 0, 2 of class 1, 1 of class 2, ...
    private static readonly byte[] Labels = [0, 0, 1, 0, 2, 0, 1, 0, 0, 0, 3, 3, 3];

    private static Dataset Tiny()
    {
        var pixels = new float[Labels.Length * 2];
        for (int i = 0; i < Labels.Length; i++)
            pixels[2 * i] = i / 100f; // feature 0 identifies the sample
        return new Dataset("tiny", pixels, Labels, featureCount: 2, classCount: 4);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(12)]
    public void EachClassGivesItsLargestRemainderShare(int count)
    {
        var held = ValidationSplit.ChooseIndices(Labels, 4, count);

        // Independent computation of the quotas: exact shares in rationals, floors, then the largest remainders.
        int total = Labels.Length;
        var members = Enumerable.Range(0, 4).Select(c => Labels.Count(l => l == c)).ToArray();
        var quotas = members.Select(m => count * m / total).ToArray();
        var order = Enumerable.Range(0, 4).OrderByDescending(c => count * members[c] % total).ThenBy(c => c).ToArray();
        int left = count - quotas.Sum();
        for (int k = 0; k < left; k++)
            quotas[order[k]]++;

        Assert.Equal(count, held.Length);
        Assert.Equal(held.Distinct().Count(), held.Length);
        Assert.True(held.SequenceEqual(held.Order()), "indices must be ascending");
        for (int c = 0; c < 4; c++)
            Assert.Equal(quotas[c], held.Count(i => Labels[i] == c));
    }

    [Fact]
    public void HoldOut_IsDisjoint_KeepsTheRestInOrder_AndIsTheSameEveryTime()
    {
        var data = Tiny();
        var (train, validation) = ValidationSplit.HoldOut(data, 4);
        var (train2, validation2) = ValidationSplit.HoldOut(Tiny(), 4);

        float[] Ids(Dataset d) => Enumerable.Range(0, d.Count).Select(i => d.Features(i)[0]).ToArray();
        Assert.Equal(Ids(validation), Ids(validation2));
        Assert.Equal(Ids(train), Ids(train2));
        Assert.Equal(Labels.Length, train.Count + validation.Count);
        Assert.Empty(Ids(train).Intersect(Ids(validation)));
        Assert.True(Ids(train).SequenceEqual(Ids(train).Order()), "the training samples must keep their order");
        // Labels travel with their samples.
        for (int i = 0; i < validation.Count; i++)
            Assert.Equal(Labels[(int)Math.Round(validation.Features(i)[0] * 100)], validation.Labels[i]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    public void HoldOut_RefusesCountsThatLeaveNothingToTrainOrHold(int count)
    {
        var error = Assert.Throws<ConfigurationException>(() => ValidationSplit.HoldOut(Tiny(), count));
        Assert.Contains("--validation must be between 1 and 12", error.Message);
    }

    [Fact]
    public void Catalog_HoldsOutBeforeTrainSamples_SoTheSplitDoesNotDependOnIt()
    {
        var full = DatasetCatalog.Load(DatasetCatalog.Synthetic, null, validation: 500);
        var subset = DatasetCatalog.Load(DatasetCatalog.Synthetic, null, trainSamples: 300, validation: 500);

        Assert.Equal(500, full.Validation!.Count);
        Assert.True(full.Validation.Pixels.SequenceEqual(subset.Validation!.Pixels));
        Assert.Equal(300, subset.Train.Count);
        Assert.True(subset.Train.Pixels.SequenceEqual(full.Train.Pixels[..(300 * full.Train.FeatureCount)]));
        Assert.Equal(SyntheticDataset.DefaultTrainCount - 500, full.Train.Count);
        Assert.Null(DatasetCatalog.Load(DatasetCatalog.Synthetic, null).Validation);
    }
}

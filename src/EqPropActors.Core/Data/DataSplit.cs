namespace EqPropActors.Core.Data;

/// <summary>A training set and the held-out set it is evaluated on, with the same features and classes.</summary>
public sealed record DataSplit
{
    public DataSplit(Dataset train, Dataset test)
    {
        if (train.FeatureCount != test.FeatureCount || train.ClassCount != test.ClassCount)
        {
            throw new ArgumentException(
                $"Train set '{train.Name}' ({train.FeatureCount} features, {train.ClassCount} classes) and test set '{test.Name}' ({test.FeatureCount} features, {test.ClassCount} classes) do not match.");
        }

        Train = train;
        Test = test;
    }

    public Dataset Train { get; }

    public Dataset Test { get; }
}

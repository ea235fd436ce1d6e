namespace EqPropActors.Core.Data;

/// <summary>A training set, the test set it is evaluated on and, optionally, a validation split held out of the training set.</summary>
public sealed record DataSplit
{
    public DataSplit(Dataset train, Dataset test, Dataset? validation = null)
    {
        foreach (var other in validation is null ? [test] : new[] { test, validation })
        {
            if (train.FeatureCount != other.FeatureCount || train.ClassCount != other.ClassCount)
            {
                throw new ArgumentException(
                    $"Train set '{train.Name}' ({train.FeatureCount} features, {train.ClassCount} classes) and set '{other.Name}' ({other.FeatureCount} features, {other.ClassCount} classes) do not match.");
            }
        }

        Train = train;
        Test = test;
        Validation = validation;
    }

    public Dataset Train { get; }

    public Dataset Test { get; }

    /// <summary>Samples held out of the training set to choose on (best epoch, settings); null without --validation.</summary>
    public Dataset? Validation { get; }
}

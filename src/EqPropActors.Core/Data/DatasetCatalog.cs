namespace EqPropActors.Core.Data;

/// <summary>Finds, reads and checks a data set by the name given on the command line.</summary>
public static class DatasetCatalog
{
    public const string FashionMnist = "fashion-mnist";
    public const string Mnist = "mnist";
    public const string Synthetic = "synthetic";

    /// <summary>Where the Debian package dataset-fashion-mnist installs its files.</summary>
    public const string DefaultFashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

    public static IReadOnlyList<string> Names { get; } = [FashionMnist, Mnist, Synthetic];

    // Both MNIST and Fashion-MNIST have ten classes; a label file cannot tell, as labels may be missing from a subset.
    private const int IdxClassCount = 10;

    /// <summary>
    /// Loads the named data set. <paramref name="directory"/> is the --data folder (null for the
    /// default); <paramref name="validation"/> samples are held out of the whole training set first
    /// (<see cref="ValidationSplit"/>), then <paramref name="trainSamples"/> keeps only the first of the others, so
    /// that the validation set does not depend on how much of the rest is trained on.
    /// </summary>
    public static DataSplit Load(string name, string? directory, int? trainSamples = null, int validation = 0)
    {
        var split = name switch
        {
            FashionMnist => LoadIdxSplit(FashionMnist, directory ?? DefaultFashionMnistDirectory,
                "run `apt-get install dataset-fashion-mnist` or pass --data DIR with the Fashion-MNIST files"),
            Mnist => LoadIdxSplit(Mnist, directory ?? throw new ConfigurationException(
                    "The mnist data set has no default location: pass --data DIR with the folder holding train-images-idx3-ubyte.gz and the other MNIST files."),
                "pass --data DIR with the folder holding the MNIST files"),
            Synthetic => directory is null ? SyntheticDataset.Generate() : throw new ConfigurationException(
                $"The synthetic data set is generated in memory and reads no files, but --data '{directory}' was given; leave --data out."),
            _ => throw new ConfigurationException($"--dataset: unknown data set '{name}'; valid names are: {string.Join(", ", Names)}."),
        };

        Dataset? held = null;
        if (validation > 0)
        {
            var (rest, validationSet) = ValidationSplit.HoldOut(split.Train, validation);
            split = new DataSplit(rest, split.Test);
            held = validationSet;
        }

        if (trainSamples is not { } count)
        {
            return new DataSplit(split.Train, split.Test, held);
        }

        if (count < 1 || count > split.Train.Count)
        {
            string after = validation > 0 ? $" after the {validation} validation samples are held out" : "";
            throw new ConfigurationException($"--train-samples must be between 1 and {split.Train.Count} (the size of the {name} training set{after}), but is {count}.");
        }

        return new DataSplit(split.Train.Take(count), split.Test, held);
    }

    private static DataSplit LoadIdxSplit(string name, string directory, string howToGetTheFiles)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The {name} data directory '{directory}' does not exist: {howToGetTheFiles}.");
        }

        var train = LoadIdxSet($"{name} train", directory, "train", howToGetTheFiles);
        var test = LoadIdxSet($"{name} test", directory, "t10k", howToGetTheFiles);
        if (!train.Images.Dimensions.Skip(1).SequenceEqual(test.Images.Dimensions.Skip(1)))
        {
            throw new DataFormatException(test.Images.Path, $"test images are not the same size as the training images in '{train.Images.Path}'",
                expected: ImageSize(train.Images), found: ImageSize(test.Images));
        }

        return new DataSplit(train.ToDataset(), test.ToDataset());
    }

    private static string ImageSize(IdxFile images) => string.Join("×", images.Dimensions.Skip(1));

    private sealed record IdxSet(string Name, IdxFile Images, IdxFile Labels)
    {
        public Dataset ToDataset() => Dataset.FromBytes(Name, Images.Data, Labels.Data, Images.ItemSize, IdxClassCount);
    }

    private static IdxSet LoadIdxSet(string name, string directory, string prefix, string howToGetTheFiles)
    {
        var images = IdxFile.ReadImages(FindFile(directory, $"{prefix}-images-idx3-ubyte", howToGetTheFiles));
        var labels = IdxFile.ReadLabels(FindFile(directory, $"{prefix}-labels-idx1-ubyte", howToGetTheFiles));
        if (labels.ItemCount != images.ItemCount)
        {
            throw new DataFormatException(labels.Path, $"the label count does not match the image count of '{images.Path}'",
                expected: images.ItemCount, found: labels.ItemCount);
        }

        var badLabel = labels.Data.IndexOfAnyInRange((byte)IdxClassCount, byte.MaxValue);
        if (badLabel >= 0)
        {
            throw new DataFormatException(labels.Path, $"label {badLabel} is out of range",
                expected: $"0..{IdxClassCount - 1}", found: labels.Data[badLabel]);
        }

        return new IdxSet(name, images, labels);
    }

    // The gzipped form is what the data sets are distributed as; an unpacked copy is accepted too.
    private static string FindFile(string directory, string baseName, string howToGetTheFiles)
    {
        var gzipped = Path.Combine(directory, baseName + ".gz");
        var raw = Path.Combine(directory, baseName);
        return File.Exists(gzipped) ? gzipped
            : File.Exists(raw) ? raw
            : throw new FileNotFoundException($"Neither '{gzipped}' nor '{raw}' exists: {howToGetTheFiles}.", gzipped);
    }
}

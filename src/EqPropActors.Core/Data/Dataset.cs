namespace EqPropActors.Core.Data;

/// <summary>
/// An immutable in-memory labelled set: <see cref="Count"/> samples of <see cref="FeatureCount"/>
/// features in [0, 1], stored row-major, each with a label below <see cref="ClassCount"/>.
/// The arrays are held privately and shown only as read-only spans, so nothing outside can change
/// the data that training and evaluation both rely on.
/// </summary>
public sealed class Dataset
{
    private readonly float[] _pixels;
    private readonly byte[] _labels;

    /// <summary>Copies <paramref name="pixels"/> and <paramref name="labels"/> after validating them.</summary>
    public Dataset(string name, ReadOnlySpan<float> pixels, ReadOnlySpan<byte> labels, int featureCount, int classCount)
        : this(name, pixels.ToArray(), labels.ToArray(), featureCount, classCount)
    {
        for (var i = 0; i < pixels.Length; i++)
        {
            // Written so that NaN fails too.
            if (!(pixels[i] >= 0f && pixels[i] <= 1f))
            {
                throw new ArgumentException($"Dataset '{name}': pixel value {pixels[i]} at index {i} is outside [0, 1].", nameof(pixels));
            }
        }
    }

    // Takes ownership of the arrays. Only code in this class calls it, with arrays it has just made
    // from values already known to lie in [0, 1], so the pixel range is checked by the public constructor.
    private Dataset(string name, float[] pixels, byte[] labels, int featureCount, int classCount)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classCount, byte.MaxValue + 1);
        if (labels.Length == 0)
        {
            throw new ArgumentException($"Dataset '{name}' has no samples.", nameof(labels));
        }

        if (pixels.LongLength != (long)labels.Length * featureCount)
        {
            throw new ArgumentException(
                $"Dataset '{name}': {pixels.LongLength} pixel values do not fill {labels.Length} samples × {featureCount} features (expected {(long)labels.Length * featureCount}).",
                nameof(pixels));
        }

        var badLabel = labels.AsSpan().IndexOfAnyInRange((byte)classCount, byte.MaxValue);
        if (badLabel >= 0)
        {
            throw new ArgumentException(
                $"Dataset '{name}': label {labels[badLabel]} of sample {badLabel} is not below the class count {classCount}.",
                nameof(labels));
        }

        Name = name;
        FeatureCount = featureCount;
        ClassCount = classCount;
        _pixels = pixels;
        _labels = labels;
    }

    public string Name { get; }

    public int Count => _labels.Length;

    public int FeatureCount { get; }

    public int ClassCount { get; }

    /// <summary>All features, row-major: sample i occupies [i × FeatureCount, (i + 1) × FeatureCount).</summary>
    public ReadOnlySpan<float> Pixels => _pixels;

    public ReadOnlySpan<byte> Labels => _labels;

    /// <summary>Builds a dataset from 8-bit pixels as stored in IDX files, scaling 0..255 to [0, 1].</summary>
    public static Dataset FromBytes(string name, ReadOnlySpan<byte> pixels, ReadOnlySpan<byte> labels, int featureCount, int classCount)
    {
        return new Dataset(name, BytePixels.ToUnitFloats(pixels), labels.ToArray(), featureCount, classCount);
    }

    public ReadOnlySpan<float> Features(int sample) => _pixels.AsSpan(checked(sample * FeatureCount), FeatureCount);

    /// <summary>The first <paramref name="count"/> samples, for training on a subset (--train-samples).</summary>
    public Dataset Take(int count)
    {
        if (count < 1 || count > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Dataset '{Name}' has {Count} samples; take between 1 and {Count}.");
        }

        return count == Count
            ? this
            : new Dataset(Name, _pixels[..(count * FeatureCount)], _labels[..count], FeatureCount, ClassCount);
    }

    /// <summary>The samples at <paramref name="indices"/>, in that order, as a new data set named <paramref name="name"/>.</summary>
    public Dataset Select(ReadOnlySpan<int> indices, string name)
    {
        var pixels = new float[checked(indices.Length * FeatureCount)];
        var labels = new byte[indices.Length];
        for (var row = 0; row < indices.Length; row++)
        {
            var sample = indices[row];
            if ((uint)sample >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), sample, $"Index at row {row} is outside dataset '{Name}' of {Count} samples.");
            }

            Features(sample).CopyTo(pixels.AsSpan(row * FeatureCount, FeatureCount));
            labels[row] = _labels[sample];
        }

        return new Dataset(name, pixels, labels, FeatureCount, ClassCount);
    }

    /// <summary>
    /// Writes the samples at <paramref name="indices"/> as consecutive rows of <paramref name="inputs"/>
    /// and their one-hot labels as rows of <paramref name="oneHotTargets"/>. Row r starts at
    /// r × stride; columns past FeatureCount (or ClassCount) up to the stride are set to zero, so a
    /// reused, padded buffer never carries values over from an earlier batch.
    /// </summary>
    public void CopyBatch(ReadOnlySpan<int> indices, Span<float> inputs, int inputStride, Span<float> oneHotTargets, int targetStride)
    {
        RequireRows(inputs.Length, indices.Length, inputStride, FeatureCount, nameof(inputs), nameof(inputStride));
        RequireRows(oneHotTargets.Length, indices.Length, targetStride, ClassCount, nameof(oneHotTargets), nameof(targetStride));

        for (var row = 0; row < indices.Length; row++)
        {
            var sample = indices[row];
            if ((uint)sample >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), sample, $"Index at batch row {row} is outside dataset '{Name}' of {Count} samples.");
            }

            var inputRow = inputs.Slice(row * inputStride, inputStride);
            Features(sample).CopyTo(inputRow);
            inputRow[FeatureCount..].Clear();

            var targetRow = oneHotTargets.Slice(row * targetStride, targetStride);
            targetRow.Clear();
            targetRow[_labels[sample]] = 1f;
        }
    }

    private static void RequireRows(int bufferLength, int rows, int stride, int width, string bufferName, string strideName)
    {
        if (stride < width)
        {
            throw new ArgumentOutOfRangeException(strideName, stride, $"The stride must be at least {width}.");
        }

        if (bufferLength < (long)rows * stride)
        {
            throw new ArgumentException($"{bufferName} holds {bufferLength} values but {rows} rows of stride {stride} need {(long)rows * stride}.", bufferName);
        }
    }
}

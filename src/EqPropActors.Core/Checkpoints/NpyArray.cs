using System.Runtime.InteropServices;

namespace EqPropActors.Core.Checkpoints;

/// <summary>
/// A named n-dimensional array in C (row-major) order, as stored in one NAME.npy entry of an
/// .npz archive. Shape () is a scalar holding one element, for metadata such as epoch or seed.
/// The data array is kept, not copied, because checkpoints hold large weight matrices;
/// callers must not change it while the array is being written.
/// </summary>
public sealed class NpyArray
{
    private readonly int[] _shape;

    public NpyArray(string name, int[] shape, float[] data) : this(name, shape, data, NpyDType.Float32) { }

    public NpyArray(string name, int[] shape, double[] data) : this(name, shape, data, NpyDType.Float64) { }

    public NpyArray(string name, int[] shape, int[] data) : this(name, shape, data, NpyDType.Int32) { }

    public NpyArray(string name, int[] shape, long[] data) : this(name, shape, data, NpyDType.Int64) { }

    internal NpyArray(string name, int[] shape, Array data, NpyDType dtype)
    {
        ValidateName(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        var elementCount = ElementCountOf(name, shape);
        if (elementCount != data.Length)
        {
            throw new ArgumentException(
                $"Array '{name}': shape {FormatShape(shape)} holds {elementCount} elements but the data has {data.Length}.",
                nameof(data));
        }
        Name = name;
        _shape = (int[])shape.Clone();
        Data = data;
        DType = dtype;
    }

    public static NpyArray Scalar(string name, float value) => new(name, [], [value]);

    public static NpyArray Scalar(string name, double value) => new(name, [], [value]);

    public static NpyArray Scalar(string name, int value) => new(name, [], [value]);

    public static NpyArray Scalar(string name, long value) => new(name, [], [value]);

    public string Name { get; }

    public IReadOnlyList<int> Shape => _shape;

    public NpyDType DType { get; }

    /// <summary>A float[], double[], int[] or long[] matching <see cref="DType"/>.</summary>
    public Array Data { get; }

    public float[] AsFloat32() => DataAs<float>(NpyDType.Float32);

    public double[] AsFloat64() => DataAs<double>(NpyDType.Float64);

    public int[] AsInt32() => DataAs<int>(NpyDType.Int32);

    public long[] AsInt64() => DataAs<long>(NpyDType.Int64);

    /// <summary>The value of a shape () array; throws when the array is not a scalar of type T.</summary>
    public T ScalarValue<T>() where T : unmanaged
    {
        if (_shape.Length != 0)
        {
            throw new InvalidOperationException($"Array '{Name}' has shape {FormatShape(_shape)}, not the scalar shape ().");
        }
        if (Data is not T[] values)
        {
            throw new InvalidOperationException($"Array '{Name}' holds {DType}, not {typeof(T).Name}.");
        }
        return values[0];
    }

    /// <summary>The raw little-endian bytes of the data, viewed in place.</summary>
    internal Span<byte> DataBytes() =>
        MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(Data), Data.Length * DType.ItemSize());

    internal static string FormatShape(IReadOnlyList<int> shape) => shape.Count switch
    {
        0 => "()",
        1 => $"({shape[0]},)", // Python needs the comma to tell a 1-tuple from a parenthesised number.
        _ => $"({string.Join(", ", shape)})",
    };

    internal static long ElementCountOf(string name, IReadOnlyList<int> shape)
    {
        long count = 1;
        foreach (var dimension in shape)
        {
            if (dimension < 0)
            {
                throw new ArgumentException($"Array '{name}': shape {FormatShape(shape)} has a negative dimension.", nameof(shape));
            }
            count = checked(count * dimension);
        }
        return count;
    }

    private static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        // The name becomes the zip entry NAME.npy, and NumPy's np.load hands it back as the key;
        // path separators would turn it into a folder inside the archive.
        if (name.Length == 0 || name.Any(c => c is '/' or '\\' || char.IsControl(c)))
        {
            throw new ArgumentException(
                $"Array name '{name}' is not allowed: it must be non-empty and contain no '/', '\\' or control characters.",
                nameof(name));
        }
    }

    private T[] DataAs<T>(NpyDType requested) =>
        Data as T[] ?? throw new InvalidOperationException($"Array '{Name}' holds {DType}, not {requested}.");
}

using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;

namespace EqPropActors.Cluster.Serialization;

/// <summary>
/// Reads what <see cref="WireWriter"/> wrote. Every length is checked against the bytes that are left, so a
/// truncated or corrupt frame ends in a <see cref="SerializationException"/> naming the message, never in a huge
/// allocation or a silently wrong value.
/// </summary>
internal sealed class WireReader(byte[] bytes, int length, string manifest)
{
    public WireReader(byte[] bytes, string manifest) : this(bytes, bytes.Length, manifest)
    {
    }

    private int _position;

    public int Int() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
    public long Long() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));
    public float Float() => BitConverter.Int32BitsToSingle(Int());
    public double Double() => BitConverter.Int64BitsToDouble(Long());

    public bool Bool() => Take(1)[0] switch
    {
        0 => false,
        1 => true,
        var b => throw Corrupt($"a boolean byte of {b}"),
    };

    public string String() => Encoding.UTF8.GetString(Take(Length(1)));

    public byte[] Bytes() => Take(Length(1)).ToArray();

    public string? NullableString() => Bool() ? String() : null;

    /// <summary>A list of strings; every one takes at least its 4-byte length, which bounds the count.</summary>
    public string[] Strings()
    {
        int count = Length(sizeof(int));
        var values = new string[count];
        for (int i = 0; i < count; i++)
            values[i] = String();
        return values;
    }

    public float[] Floats()
    {
        int length = Length(sizeof(float));
        var values = new float[length];
        Take(length * sizeof(float)).CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    /// <summary>Into an array rented from the shared pool (its receiver returns it); the length read is returned too.</summary>
    public (float[] Values, int Length) PooledFloats()
    {
        int length = Length(sizeof(float));
        var values = ArrayPool<float>.Shared.Rent(Math.Max(length, 1));
        Take(length * sizeof(float)).CopyTo(MemoryMarshal.AsBytes(values.AsSpan(0, length)));
        return (values, length);
    }

    public float[]? NullableFloats() => Bool() ? Floats() : null;

    public int[] Ints()
    {
        int length = Length(sizeof(int));
        var values = new int[length];
        Take(length * sizeof(int)).CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    public T Enum<T>() where T : struct, System.Enum
    {
        int value = Int();
        var result = (T)(object)value;
        return System.Enum.IsDefined(result) ? result : throw Corrupt($"{value}, which is not a {typeof(T).Name}");
    }

    public IActorRef? ActorRef(ExtendedActorSystem system) =>
        NullableString() is { } path ? system.Provider.ResolveActorRef(path) : null;

    /// <summary>Throws unless every byte has been read: trailing bytes mean writer and reader disagree.</summary>
    public void End()
    {
        if (_position != length)
            throw Corrupt($"{length - _position} bytes after the end of the message");
    }

    private int Length(int elementSize)
    {
        int count = Int();
        if (count < 0 || (long)count * elementSize > length - _position)
            throw Corrupt($"a length of {count} with {length - _position} bytes left");
        return count;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > length - _position)
            throw Corrupt($"the frame ends after {length} bytes");
        var span = bytes.AsSpan(_position, count);
        _position += count;
        return span;
    }

    private SerializationException Corrupt(string what) =>
        new($"corrupt '{manifest}' engine message: {what}");
}

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Akka.Actor;

namespace EqPropActors.Cluster.Serialization;

/// <summary>
/// Little-endian binary encoding of message fields. Float arrays go out as their raw IEEE-754 bytes, which is
/// little-endian on every platform .NET runs the engine on (<see cref="EngineMessageSerializer"/> checks).
/// </summary>
internal sealed class WireWriter(int capacity)
{
    private byte[] _buffer = new byte[capacity];
    private int _length;

    public void Int(int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        Write(bytes);
    }

    public void Long(long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        Write(bytes);
    }

    public void Float(float value) => Int(BitConverter.SingleToInt32Bits(value));
    public void Double(double value) => Long(BitConverter.DoubleToInt64Bits(value));
    public void Bool(bool value) => Write([value ? (byte)1 : (byte)0]);

    public void String(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Int(bytes.Length);
        Write(bytes);
    }

    public void Bytes(byte[] values)
    {
        Int(values.Length);
        Write(values);
    }

    public void Strings(IReadOnlyList<string> values)
    {
        Int(values.Count);
        foreach (string value in values)
            String(value);
    }

    public void NullableString(string? value)
    {
        Bool(value is not null);
        if (value is not null)
            String(value);
    }

    /// <summary>The first <paramref name="length"/> values of <paramref name="values"/>.</summary>
    public void Floats(float[] values, int length)
    {
        Int(length);
        Write(MemoryMarshal.AsBytes(values.AsSpan(0, length)));
    }

    public void Floats(float[] values) => Floats(values, values.Length);

    public void NullableFloats(float[]? values)
    {
        Bool(values is not null);
        if (values is not null)
            Floats(values);
    }

    public void Ints(int[] values)
    {
        Int(values.Length);
        Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    public void ActorRef(IActorRef? actor) => NullableString(actor is null ? null : Akka.Serialization.Serialization.SerializedActorPath(actor));

    /// <summary>The bytes written; no copy when the capacity given was exact (activity blocks: it is).</summary>
    public byte[] ToArray() => _length == _buffer.Length ? _buffer : _buffer.AsSpan(0, _length).ToArray();

    private void Write(ReadOnlySpan<byte> bytes)
    {
        if (_length + bytes.Length > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes.Length));
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }
}

using System.IO.Compression;
using System.Text;
using EqPropActors.Core.Checkpoints;

namespace EqPropActors.Core.Tests.Checkpoints;

public sealed class NpzRoundTripTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    public static TheoryData<NpyDType, int[]> EveryDTypeAndShape()
    {
        var data = new TheoryData<NpyDType, int[]>();
        int[][] shapes = [[], [0], [1], [5], [2, 3], [3, 0], [2, 3, 4]];
        foreach (var dtype in Enum.GetValues<NpyDType>())
        {
            foreach (var shape in shapes)
            {
                data.Add(dtype, shape);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryDTypeAndShape))]
    public void AnArrayReadsBackWithTheSameDTypeShapeAndValues(NpyDType dtype, int[] shape)
    {
        var path = _directory.File("roundtrip.npz");
        var written = SampleArrays.Make("values", dtype, shape);

        NpzArchive.Write(path, [written]);
        var read = NpzArchive.Read(path)["values"];

        Assert.Equal(dtype, read.DType);
        Assert.Equal(shape, read.Shape);
        Assert.Equal(written.Data, read.Data);
    }

    [Fact]
    public void ExtremeValuesKeepTheirExactBits()
    {
        var path = _directory.File("extremes.npz");
        float[] floats = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, float.Epsilon, float.MaxValue];
        double[] doubles = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0d, double.Epsilon, double.MaxValue];
        int[] ints = [int.MinValue, -1, 0, int.MaxValue];
        long[] longs = [long.MinValue, -1, 0, long.MaxValue];

        NpzArchive.Write(path,
        [
            new NpyArray("f4", [floats.Length], floats),
            new NpyArray("f8", [doubles.Length], doubles),
            new NpyArray("i4", [ints.Length], ints),
            new NpyArray("i8", [longs.Length], longs),
        ]);
        var archive = NpzArchive.Read(path);

        Assert.Equal(floats.Select(BitConverter.SingleToInt32Bits), archive["f4"].AsFloat32().Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(doubles.Select(BitConverter.DoubleToInt64Bits), archive["f8"].AsFloat64().Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(ints, archive["i4"].AsInt32());
        Assert.Equal(longs, archive["i8"].AsInt64());
    }

    [Fact]
    public void ScalarMetadataReadsBackAsScalars()
    {
        var path = _directory.File("metadata.npz");

        NpzArchive.Write(path,
        [
            NpyArray.Scalar("epoch", 12L),
            NpyArray.Scalar("seed", 42),
            NpyArray.Scalar("beta", 0.5),
            NpyArray.Scalar("learning_rate", 0.01f),
        ]);
        var archive = NpzArchive.Read(path);

        Assert.Equal(12L, archive["epoch"].ScalarValue<long>());
        Assert.Equal(42, archive["seed"].ScalarValue<int>());
        Assert.Equal(0.5, archive["beta"].ScalarValue<double>());
        Assert.Equal(0.01f, archive["learning_rate"].ScalarValue<float>());
        Assert.Empty(archive["epoch"].Shape);
    }

    [Fact]
    public void ScalarValueRefusesAWrongTypeOrANonScalar()
    {
        var epoch = NpyArray.Scalar("epoch", 12L);
        var weights = SampleArrays.Make("weights", NpyDType.Float32, 2);

        Assert.Contains("holds Int64, not Int32", Assert.Throws<InvalidOperationException>(() => epoch.ScalarValue<int>()).Message);
        Assert.Contains("shape (2,)", Assert.Throws<InvalidOperationException>(() => weights.ScalarValue<float>()).Message);
        Assert.Contains("holds Float32, not Float64", Assert.Throws<InvalidOperationException>(() => weights.AsFloat64()).Message);
    }

    [Theory]
    [InlineData("layer.0.weights")]
    [InlineData("with space")]
    [InlineData("x")]
    [InlineData("gewichte_Schicht_ü_层")]
    [InlineData("ends.npy")]
    public void UnusualButLegalNamesReadBackUnchanged(string name)
    {
        var path = _directory.File("names.npz");

        NpzArchive.Write(path, [SampleArrays.Make(name, NpyDType.Int32, 2)]);
        var archive = NpzArchive.Read(path);

        Assert.Equal(name, Assert.Single(archive.Arrays).Name);
        Assert.True(archive.Contains(name));
    }

    [Fact]
    public void ArraysKeepTheirOrder()
    {
        var path = _directory.File("order.npz");
        string[] names = ["z", "a", "m", "b"];

        NpzArchive.Write(path, names.Select(name => NpyArray.Scalar(name, 1)));

        Assert.Equal(names, NpzArchive.Read(path).Arrays.Select(array => array.Name));
    }

    [Fact]
    public void AnEmptyArchiveReadsBackEmpty()
    {
        var path = _directory.File("empty.npz");

        NpzArchive.Write(path, []);

        Assert.Empty(NpzArchive.Read(path).Arrays);
    }

    [Fact]
    public void TheEntryHasANumPyVersion1HeaderAlignedTo64Bytes()
    {
        var path = _directory.File("layout.npz");

        NpzArchive.Write(path, [SampleArrays.Make("w", NpyDType.Float32, 3, 4)]);
        using var zip = ZipFile.OpenRead(path);
        var entry = Assert.Single(zip.Entries);
        using var entryStream = entry.Open();
        using var bytes = new MemoryStream();
        entryStream.CopyTo(bytes);
        var npy = bytes.ToArray();

        Assert.Equal("w.npy", entry.FullName);
        Assert.Equal([0x93, .. "NUMPY"u8, 1, 0], npy[..8]);
        var headerLength = BitConverter.ToUInt16(npy, 8);
        Assert.Equal(0, (10 + headerLength) % 64);
        var header = Encoding.ASCII.GetString(npy, 10, headerLength);
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", header);
        Assert.EndsWith("\n", header);
        Assert.Equal(10 + headerLength + 12 * 4, npy.Length);
    }
}

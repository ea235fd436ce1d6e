using System.Text.Json;
using EqPropActors.Core.Checkpoints;

namespace EqPropActors.Core.Tests.Checkpoints;

/// <summary>
/// Checks the files against real NumPy (<see cref="PythonWithNumPy"/>). NumPy is required: .ci/run installs
/// python3-numpy, and a checkpoint that Python users cannot open is exactly the failure these tests exist to catch.
/// </summary>
public sealed class NumPyInteropTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void NumPyLoadsWhatWeWrite()
    {
        var path = _directory.File("for-numpy.npz");
        NpyArray[] written =
        [
            SampleArrays.Make("layer.0.weights", NpyDType.Float32, 3, 4),
            SampleArrays.Make("bias", NpyDType.Float64, 5),
            SampleArrays.Make("labels", NpyDType.Int32, 2, 2, 2),
            SampleArrays.Make("empty_rows", NpyDType.Int64, 0, 3),
            NpyArray.Scalar("epoch", 12L),
            NpyArray.Scalar("seed", 42),
            NpyArray.Scalar("beta", 0.25),
            NpyArray.Scalar("learning_rate", 0.01f),
        ];
        NpzArchive.Write(path, written);

        var python = PythonWithNumPy.Require();

        const string describeEveryArray = """
            import json, sys, numpy
            with numpy.load(sys.argv[1]) as archive:
                print(json.dumps({name: {"dtype": archive[name].dtype.str, "shape": list(archive[name].shape),
                                         "values": archive[name].ravel().tolist()} for name in archive.files}))
            """;
        using var described = JsonDocument.Parse(PythonWithNumPy.Run(python, describeEveryArray, path));

        var namesSeenByNumPy = described.RootElement.EnumerateObject().Select(property => property.Name);
        Assert.Equal(written.Select(array => array.Name), namesSeenByNumPy);
        foreach (var array in written)
        {
            var seen = described.RootElement.GetProperty(array.Name);
            Assert.Equal(array.DType.ToString(), DTypeFromNumPy(seen.GetProperty("dtype").GetString()));
            Assert.Equal(array.Shape, seen.GetProperty("shape").EnumerateArray().Select(dimension => dimension.GetInt32()));
            Assert.Equal(ValuesAsDoubles(array), seen.GetProperty("values").EnumerateArray().Select(value => value.GetDouble()));
        }
    }

    [Theory]
    [InlineData("savez")]
    [InlineData("savez_compressed")]
    public void WeLoadWhatNumPyWrites(string numPySaveFunction)
    {
        var python = PythonWithNumPy.Require();
        var path = _directory.File("from-numpy.npz");
        var writeArrays = $$"""
            import sys, numpy
            numpy.{{numPySaveFunction}}(sys.argv[1],
                weights=numpy.arange(12, dtype=numpy.float32).reshape(3, 4) / 4,
                bias=numpy.array([0.5, -1.5]),
                labels=numpy.arange(6, dtype=numpy.int32).reshape(2, 3),
                epoch=numpy.int64(7),
                empty=numpy.zeros((0, 2), dtype=numpy.int64))
            """;

        PythonWithNumPy.Run(python, writeArrays, path);
        var archive = NpzArchive.Read(path);

        Assert.Equal([3, 4], archive["weights"].Shape);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i / 4f), archive["weights"].AsFloat32());
        Assert.Equal([0.5, -1.5], archive["bias"].AsFloat64());
        Assert.Equal([0, 1, 2, 3, 4, 5], archive["labels"].AsInt32());
        Assert.Equal(7L, archive["epoch"].ScalarValue<long>());
        Assert.Equal([0, 2], archive["empty"].Shape);
    }

    private static string DTypeFromNumPy(string? numPyDTypeString) => numPyDTypeString switch
    {
        "<f4" => nameof(NpyDType.Float32),
        "<f8" => nameof(NpyDType.Float64),
        "<i4" => nameof(NpyDType.Int32),
        "<i8" => nameof(NpyDType.Int64),
        _ => $"unexpected dtype {numPyDTypeString}",
    };

    // Every value here is exactly representable as a double, and JSON carries doubles exactly.
    private static IEnumerable<double> ValuesAsDoubles(NpyArray array) => array.Data switch
    {
        float[] values => values.Select(value => (double)value),
        double[] values => values,
        int[] values => values.Select(value => (double)value),
        long[] values => values.Select(value => (double)value),
        _ => throw new InvalidOperationException($"unexpected data type {array.Data.GetType()}"),
    };
}

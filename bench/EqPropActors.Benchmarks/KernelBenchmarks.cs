using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using EqPropActors.Benchmarks.Columns;
using EqPropActors.Core.Kernels;

namespace EqPropActors.Benchmarks;

/// <summary>
/// The two dense kernels on the shape of the first layer of 784-500-10 (k = 784 inputs, n = 512 padded units),
/// single-threaded, for minibatches of 20 and 100 rows. Both do 2 · rows · k · n useful flops per call
/// (the element-wise momentum/weight step of the update, 2–4 flops per weight, is not counted).
/// </summary>
[Config(typeof(Config))]
public class KernelBenchmarks
{
    private const int K = 784;
    private const int N = 512;

    private float[] _a = null!;
    private float[] _w = null!;
    private float[] _c = null!;
    private float[] _post = null!;
    private float[] _velocity = null!;

    [Params(20, 100)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(12345);
        _a = RandomMatrix(random, Rows * K);
        _w = RandomMatrix(random, K * N);
        _c = new float[Rows * N];
        _post = RandomMatrix(random, Rows * N);
        _velocity = new float[K * N];
    }

    /// <summary>c[rows × n] += a[rows × k] · w[k × n]: the forward drive of a layer.</summary>
    [Benchmark]
    public void MultiplyAccumulate() =>
        DenseKernels.MultiplyAccumulate(_a, K, _w, N, _c, N, Rows, K, N);

    /// <summary>w[k × n] += lr · (preᵀ · post) / rows: plain SGD step.</summary>
    [Benchmark]
    public void OuterProductUpdate() =>
        DenseKernels.ApplyOuterProductUpdate(_a, K, _post, N, Rows, K, N, _w, N, [], 1f / Rows, 0f, 1e-6f);

    /// <summary>Same with momentum: v = 0.9 v + g; w += lr · v.</summary>
    [Benchmark]
    public void OuterProductUpdateWithVelocity() =>
        DenseKernels.ApplyOuterProductUpdate(_a, K, _post, N, Rows, K, N, _w, N, _velocity, 1f / Rows, 0.9f, 1e-6f);

    /// <summary>Useful flops of one call of the benchmark case: 2 · rows · k · n for every kernel here.</summary>
    public static double FlopsPerOperation(BenchmarkCase benchmarkCase) =>
        2.0 * (int)benchmarkCase.Parameters[nameof(Rows)] * K * N;

    private static float[] RandomMatrix(Random random, int length)
    {
        var matrix = new float[length];
        for (int i = 0; i < length; i++)
            matrix[i] = (float)(random.NextDouble() - 0.5);
        return matrix;
    }

    private sealed class Config : ManualConfig
    {
        public Config() =>
            AddColumn(new RateColumn("GFLOP/s", "Useful flops (2 per multiply-add) per second, from the mean time: 2·Rows·784·512 / Mean",
                b => FlopsPerOperation(b) * 1e-9));
    }
}

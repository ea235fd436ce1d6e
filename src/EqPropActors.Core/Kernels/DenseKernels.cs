using System.Diagnostics;

namespace EqPropActors.Core.Kernels;

/// <summary>
/// Register-blocked float32 kernels for the dense layers of the simulator, one blocking per instruction set
/// (<see cref="KernelPath"/>), chosen once per process.
/// </summary>
/// <remarks>
/// Determinism contract: every output element is produced by one fused-multiply-add chain whose
/// operands and order are fixed by the mathematical definition alone (increasing reduction index,
/// one accumulator, no partial sums). Register blocking only decides which independent chains run
/// side by side, so results are bit-identical whatever the number of rows, the slice of rows, the
/// block shape, or the instruction set.
/// Matrices are row-major; the column count <c>n</c> must be a multiple of 16 (callers pad with
/// zeros). Leading dimensions need not be aligned, but multiples of 16 keep rows 64-byte aligned.
/// </remarks>
public static unsafe class DenseKernels
{
    /// <summary>Columns come in multiples of this: one 512-bit vector, two 256-bit, four 128-bit or 16 scalars.</summary>
    private const int LaneWidth = Padding.Lanes;

    private static int _activePath = -1;

    /// <summary>
    /// The path every kernel call of this process takes: <see cref="KernelSelection.FromEnvironment"/>, read once.
    /// Throws <see cref="ConfigurationException"/> (on every read) while EQPROP_KERNEL names a path that cannot run.
    /// </summary>
    public static KernelPath ActivePath
    {
        get
        {
            int path = Volatile.Read(ref _activePath);
            if (path < 0)
                Volatile.Write(ref _activePath, path = (int)KernelSelection.FromEnvironment());
            return (KernelPath)path;
        }
    }

    /// <summary>
    /// 128-bit vectors get 32 registers on ARM64 and on x86 with AVX-512VL (EVEX encoding), 16 otherwise; the
    /// blocking of the 128-bit path follows.
    /// </summary>
    private static readonly bool ThirtyTwoVectorRegisters =
        System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported || System.Runtime.Intrinsics.X86.Avx512F.VL.IsSupported;

    /// <summary>
    /// c[r, j] += sum over p of a[r, p] * w[p, j] for r &lt; rows, j &lt; n, computed per element as
    /// c = fma(a[r, p], w[p, j], c) for p = 0 .. k-1, starting from the existing c.
    /// </summary>
    public static void MultiplyAccumulate(
        ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> w, int ldw,
        Span<float> c, int ldc,
        int rows, int k, int n) =>
        MultiplyAdd(a, lda, w, ldw, c, ldc, c, ldc, rows, k, n);

    /// <summary>
    /// c[r, j] = initial[r, j] + sum over p of a[r, p] * w[p, j], with exactly the fma chain of
    /// <see cref="MultiplyAccumulate"/> started from initial[r, j] (so the two give identical bits). Saves
    /// copying a constant term into c before every product; <paramref name="initial"/> may be c itself.
    /// </summary>
    public static void MultiplyAdd(
        ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> w, int ldw,
        ReadOnlySpan<float> initial, int ldInitial,
        Span<float> c, int ldc,
        int rows, int k, int n) =>
        MultiplyAdd(ActivePath, a, lda, w, ldw, initial, ldInitial, c, ldc, rows, k, n);

    /// <summary><see cref="MultiplyAdd(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, Span{float}, int, int, int, int)"/> on a given path (tests compare paths in one process).</summary>
    internal static void MultiplyAdd(
        KernelPath path,
        ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> w, int ldw,
        ReadOnlySpan<float> initial, int ldInitial,
        Span<float> c, int ldc,
        int rows, int k, int n)
    {
        RequireShape(rows, k, n);
        RequireMatrix(a.Length, rows, k, lda, nameof(a));
        RequireMatrix(w.Length, k, n, ldw, nameof(w));
        RequireMatrix(initial.Length, rows, n, ldInitial, nameof(initial));
        RequireMatrix(c.Length, rows, n, ldc, nameof(c));
        if (rows == 0 || n == 0)
            return;

        fixed (float* aPtr = a)
        fixed (float* wPtr = w)
        fixed (float* initialPtr = initial)
        fixed (float* cPtr = c)
        {
            var m = new ProductOperands(aPtr, lda, wPtr, ldw, initialPtr, ldInitial, cPtr, ldc, k);
            // Blocks fill the register file: accumulators + one row of w + a broadcast register. AVX-512: 5x4 zmm = 20
            // + 4 + 1 of 32 (measured best of 4x4, 5x4, 6x4, 8x2, 8x3, 4x2). AVX2: 6x2 ymm = 12 + 2 + 1 of 16 (4x3 and 3x4
            // measured the same within noise).
            // 128-bit: like AVX-512 with 32 registers, like AVX2 with 16. Scalar: 4x4 = 16 chains hide the fma latency.
            switch (path)
            {
                case KernelPath.Avx512: BlockedProduct.Run<Zmm, Five, Four>(m, rows, n); break;
                case KernelPath.Avx2: BlockedProduct.Run<Ymm, Six, Two>(m, rows, n); break;
                case KernelPath.Vector128 when ThirtyTwoVectorRegisters: BlockedProduct.Run<Xmm, Five, Four>(m, rows, n); break;
                case KernelPath.Vector128: BlockedProduct.Run<Xmm, Six, Two>(m, rows, n); break;
                case KernelPath.Scalar: BlockedProduct.Run<ScalarLane, Four, Four>(m, rows, n); break;
                default: throw new ArgumentOutOfRangeException(nameof(path), path, "unknown kernel path");
            }
        }
    }

    /// <summary>
    /// Momentum SGD step with the outer-product gradient g[p, j] = sum over b of pre[b, p] * post[b, j].
    /// Per element: g = fma chain over b = 0 .. rows-1 from 0; g2 = gradScale * g; then either
    /// w = fma(learningRate, g2, w) when <paramref name="velocity"/> is empty, or
    /// v = fma(momentum, v, g2); w = fma(learningRate, v, w) with v laid out like w (leading dimension ldw).
    /// </summary>
    public static void ApplyOuterProductUpdate(
        ReadOnlySpan<float> pre, int ldPre,
        ReadOnlySpan<float> post, int ldPost,
        int rows, int k, int n,
        Span<float> w, int ldw,
        Span<float> velocity,
        float gradScale, float momentum, float learningRate) =>
        ApplyOuterProductUpdate(ActivePath, pre, ldPre, post, ldPost, rows, k, n, w, ldw, velocity, gradScale, momentum, learningRate);

    /// <summary>The weight update on a given path (tests compare paths in one process).</summary>
    internal static void ApplyOuterProductUpdate(
        KernelPath path,
        ReadOnlySpan<float> pre, int ldPre,
        ReadOnlySpan<float> post, int ldPost,
        int rows, int k, int n,
        Span<float> w, int ldw,
        Span<float> velocity,
        float gradScale, float momentum, float learningRate)
    {
        RequireShape(rows, k, n);
        RequireMatrix(pre.Length, rows, k, ldPre, nameof(pre));
        RequireMatrix(post.Length, rows, n, ldPost, nameof(post));
        RequireMatrix(w.Length, k, n, ldw, nameof(w));
        if (!velocity.IsEmpty)
            RequireMatrix(velocity.Length, k, n, ldw, nameof(velocity));
        if (k == 0 || n == 0)
            return;

        fixed (float* prePtr = pre)
        fixed (float* postPtr = post)
        fixed (float* wPtr = w)
        fixed (float* velocityPtr = velocity)
        {
            var u = new UpdateOperands(
                prePtr, ldPre, postPtr, ldPost, rows, wPtr, velocity.IsEmpty ? null : velocityPtr, ldw,
                gradScale, momentum, learningRate);
            // 8 rows of w x 3 zmm: k is usually a multiple of 8 (so no leftover rows) and n = 16 layers still get 8
            // independent chains; measured best of 4x4, 5x4, 6x4, 8x2, 8x3, 4x2, 2x4, 8x1. With 16 registers 6x2.
            switch (path)
            {
                case KernelPath.Avx512: BlockedOuterProductUpdate.Run<Zmm, Eight, Three>(u, k, n); break;
                case KernelPath.Avx2: BlockedOuterProductUpdate.Run<Ymm, Six, Two>(u, k, n); break;
                case KernelPath.Vector128 when ThirtyTwoVectorRegisters: BlockedOuterProductUpdate.Run<Xmm, Eight, Three>(u, k, n); break;
                case KernelPath.Vector128: BlockedOuterProductUpdate.Run<Xmm, Six, Two>(u, k, n); break;
                case KernelPath.Scalar: BlockedOuterProductUpdate.Run<ScalarLane, Four, Four>(u, k, n); break;
                default: throw new ArgumentOutOfRangeException(nameof(path), path, "unknown kernel path");
            }
        }
    }

    /// <summary>
    /// Times <see cref="MultiplyAccumulate"/> on a size x size x size product and returns GFLOP/s
    /// (2 * size^3 flops per product) from the median of the timed repetitions, after a warm-up.
    /// </summary>
    public static double MeasureMatrixMultiplyGflops(int size = 512, int repetitions = 15) =>
        MeasureMatrixMultiplyGflops(ActivePath, size, repetitions);

    /// <summary>The measurement on a given path.</summary>
    internal static double MeasureMatrixMultiplyGflops(KernelPath path, int size, int repetitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);

        int paddedColumns = (size + LaneWidth - 1) / LaneWidth * LaneWidth;
        var random = new Random(12345);
        float[] a = RandomMatrix(random, size, paddedColumns, size);
        float[] w = RandomMatrix(random, size, paddedColumns, size);
        float[] c = new float[size * paddedColumns];

        for (int i = 0; i < 3; i++)
        {
            MultiplyAdd(path, a, paddedColumns, w, paddedColumns, c, paddedColumns, c, paddedColumns, size, size, paddedColumns);
        }

        var seconds = new double[repetitions];
        for (int i = 0; i < repetitions; i++)
        {
            long start = Stopwatch.GetTimestamp();
            MultiplyAdd(path, a, paddedColumns, w, paddedColumns, c, paddedColumns, c, paddedColumns, size, size, paddedColumns);
            seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        Array.Sort(seconds);
        return 2.0 * size * size * size / seconds[repetitions / 2] / 1e9;
    }

    private static float[] RandomMatrix(Random random, int rows, int leadingDimension, int columns)
    {
        var matrix = new float[rows * leadingDimension];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < columns; j++)
            {
                matrix[r * leadingDimension + j] = (float)(random.NextDouble() * 2 - 1);
            }
        }

        return matrix;
    }

    private static void RequireShape(int rows, int k, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (n % LaneWidth != 0)
        {
            throw new ArgumentException($"The column count n = {n} must be a multiple of {LaneWidth}; pad with zero columns.", nameof(n));
        }
    }

    private static void RequireMatrix(int length, int rowCount, int columnCount, int leadingDimension, string name)
    {
        if (leadingDimension < columnCount)
        {
            throw new ArgumentOutOfRangeException(name, $"Leading dimension {leadingDimension} of {name} is smaller than its {columnCount} columns.");
        }

        if (rowCount > 0 && columnCount > 0 && length < (long)(rowCount - 1) * leadingDimension + columnCount)
        {
            throw new ArgumentException($"{name} holds {length} floats, too few for {rowCount} rows of {columnCount} columns at leading dimension {leadingDimension}.", name);
        }
    }
}

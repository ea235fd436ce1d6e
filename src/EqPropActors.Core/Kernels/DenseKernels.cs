using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EqPropActors.Core.Kernels;

/// <summary>
/// Register-blocked float32 kernels for the dense layers of the simulator.
/// </summary>
/// <remarks>
/// Determinism contract: every output element is produced by one fused-multiply-add chain whose
/// operands and order are fixed by the mathematical definition alone (increasing reduction index,
/// one accumulator, no partial sums). Register blocking only decides which independent chains run
/// side by side, so results are bit-identical whatever the number of rows, the slice of rows, the
/// block shape, or the instruction set (AVX-512, or the Vector256 fallback which runs the very same
/// per-element chains on two 8-float halves of each 16-float lane).
/// Matrices are row-major; the column count <c>n</c> must be a multiple of 16 (callers pad with
/// zeros). Leading dimensions need not be aligned, but multiples of 16 keep rows 64-byte aligned.
/// </remarks>
public static unsafe class DenseKernels
{
    /// <summary>Floats per lane: one 512-bit vector, or two 256-bit halves in the fallback.</summary>
    private const int LaneWidth = 16;

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
        int rows, int k, int n)
    {
        RequireShape(rows, k, n);
        RequireMatrix(a.Length, rows, k, lda, nameof(a));
        RequireMatrix(w.Length, k, n, ldw, nameof(w));
        RequireMatrix(initial.Length, rows, n, ldInitial, nameof(initial));
        RequireMatrix(c.Length, rows, n, ldc, nameof(c));
        if (rows == 0 || n == 0)
        {
            return;
        }

        fixed (float* aPtr = a)
        fixed (float* wPtr = w)
        fixed (float* initialPtr = initial)
        fixed (float* cPtr = c)
        {
            var matrices = new ProductOperands(aPtr, lda, wPtr, ldw, initialPtr, ldInitial, cPtr, ldc, k);

            // 5 rows x 4 zmm = 20 accumulators + 4 w vectors of 32 registers; measured best of
            // 4x4, 5x4, 6x4, 8x2, 8x3, 4x2. The fallback keeps within AVX2's 16 ymm registers.
            if (Vector512.IsHardwareAccelerated)
            {
                MultiplyAccumulate<Zmm, Five, Four>(matrices, rows, n);
            }
            else
            {
                MultiplyAccumulate<YmmPair, Two, Two>(matrices, rows, n);
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
        float gradScale, float momentum, float learningRate)
    {
        RequireShape(rows, k, n);
        RequireMatrix(pre.Length, rows, k, ldPre, nameof(pre));
        RequireMatrix(post.Length, rows, n, ldPost, nameof(post));
        RequireMatrix(w.Length, k, n, ldw, nameof(w));
        if (!velocity.IsEmpty)
        {
            RequireMatrix(velocity.Length, k, n, ldw, nameof(velocity));
        }

        if (k == 0 || n == 0)
        {
            return;
        }

        fixed (float* prePtr = pre)
        fixed (float* postPtr = post)
        fixed (float* wPtr = w)
        fixed (float* velocityPtr = velocity)
        {
            var operands = new UpdateOperands(
                prePtr, ldPre, postPtr, ldPost, rows, wPtr, velocity.IsEmpty ? null : velocityPtr, ldw,
                gradScale, momentum, learningRate);

            // 8 rows of w x 3 zmm: k is usually a multiple of 8 (so no leftover rows) and n = 16 layers
            // still get 8 independent chains; measured best of 4x4, 5x4, 6x4, 8x2, 8x3, 4x2, 2x4, 8x1.
            if (Vector512.IsHardwareAccelerated)
            {
                ApplyOuterProductUpdate<Zmm, Eight, Three>(operands, k, n);
            }
            else
            {
                ApplyOuterProductUpdate<YmmPair, Two, Two>(operands, k, n);
            }
        }
    }

    /// <summary>
    /// Times <see cref="MultiplyAccumulate"/> on a size x size x size product and returns GFLOP/s
    /// (2 * size^3 flops per product) from the median of the timed repetitions, after a warm-up.
    /// </summary>
    public static double MeasureMatrixMultiplyGflops(int size = 512, int repetitions = 15)
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
            MultiplyAccumulate(a, paddedColumns, w, paddedColumns, c, paddedColumns, size, size, paddedColumns);
        }

        var seconds = new double[repetitions];
        for (int i = 0; i < repetitions; i++)
        {
            long start = Stopwatch.GetTimestamp();
            MultiplyAccumulate(a, paddedColumns, w, paddedColumns, c, paddedColumns, size, size, paddedColumns);
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

    // ---------------------------------------------------------------------------------------------
    // MultiplyAccumulate: blocks of TRowBlock rows of c x TVectorBlock lanes of columns (at most 5 x 4).
    // Column blocks are the outer loop, so the w panel of one column block (k x 64 floats for 4 lanes)
    // stays cache-resident while every row block sweeps it; leftover rows and lanes use smaller blocks.
    // ---------------------------------------------------------------------------------------------

    private readonly struct ProductOperands(float* a, nint lda, float* w, nint ldw, float* initial, nint ldInitial, float* c, nint ldc, int k)
    {
        public readonly float* A = a;
        public readonly nint Lda = lda;
        public readonly float* W = w;
        public readonly nint Ldw = ldw;
        public readonly float* Initial = initial;
        public readonly nint LdInitial = ldInitial;
        public readonly float* C = c;
        public readonly nint Ldc = ldc;
        public readonly int K = k;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyAccumulate<TLane, TRowBlock, TVectorBlock>(in ProductOperands m, int rows, int n)
        where TLane : struct, ILane<TLane>
        where TRowBlock : struct, IBlockSize
        where TVectorBlock : struct, IBlockSize
    {
        int lanes = n / LaneWidth;
        int lane = 0;
        for (; lane + TVectorBlock.Value <= lanes; lane += TVectorBlock.Value)
        {
            MultiplyColumnBlock<TLane, TRowBlock, TVectorBlock>(m, rows, lane * LaneWidth);
        }

        switch (lanes - lane)
        {
            case 1: MultiplyColumnBlock<TLane, TRowBlock, One>(m, rows, lane * LaneWidth); break;
            case 2: MultiplyColumnBlock<TLane, TRowBlock, Two>(m, rows, lane * LaneWidth); break;
            case 3: MultiplyColumnBlock<TLane, TRowBlock, Three>(m, rows, lane * LaneWidth); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyColumnBlock<TLane, TRowBlock, TVectors>(in ProductOperands m, int rows, int column)
        where TLane : struct, ILane<TLane>
        where TRowBlock : struct, IBlockSize
        where TVectors : struct, IBlockSize
    {
        int row = 0;
        for (; row + TRowBlock.Value <= rows; row += TRowBlock.Value)
        {
            MultiplyBlock<TLane, TRowBlock, TVectors>(m, row, column);
        }

        switch (rows - row)
        {
            case 1: MultiplyBlock<TLane, One, TVectors>(m, row, column); break;
            case 2: MultiplyBlock<TLane, Two, TVectors>(m, row, column); break;
            case 3: MultiplyBlock<TLane, Three, TVectors>(m, row, column); break;
            case 4: MultiplyBlock<TLane, Four, TVectors>(m, row, column); break;
        }
    }

    /// <summary>
    /// TRows x TVectors lanes of c held in registers for the whole k loop: one fma chain per element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyBlock<TLane, TRows, TVectors>(in ProductOperands m, int row, int column)
        where TLane : struct, ILane<TLane>
        where TRows : struct, IBlockSize
        where TVectors : struct, IBlockSize
    {
        nint lda = m.Lda, ldw = m.Ldw, ldc = m.Ldc, ldi = m.LdInitial;
        float* a0 = m.A + row * lda;
        float* c0 = m.C + row * ldc + column;
        float* i0 = m.Initial + row * ldi + column;
        float* wColumn = m.W + column;

        TLane c00 = default, c01 = default, c02 = default, c03 = default;
        TLane c10 = default, c11 = default, c12 = default, c13 = default;
        TLane c20 = default, c21 = default, c22 = default, c23 = default;
        TLane c30 = default, c31 = default, c32 = default, c33 = default;
        TLane c40 = default, c41 = default, c42 = default, c43 = default;

        LoadRow<TLane, TVectors>(i0, out c00, out c01, out c02, out c03);
        if (TRows.Value > 1) LoadRow<TLane, TVectors>(i0 + ldi, out c10, out c11, out c12, out c13);
        if (TRows.Value > 2) LoadRow<TLane, TVectors>(i0 + 2 * ldi, out c20, out c21, out c22, out c23);
        if (TRows.Value > 3) LoadRow<TLane, TVectors>(i0 + 3 * ldi, out c30, out c31, out c32, out c33);
        if (TRows.Value > 4) LoadRow<TLane, TVectors>(i0 + 4 * ldi, out c40, out c41, out c42, out c43);

        float* aColumn = a0;
        for (float* wRow = wColumn, wEnd = wColumn + m.K * ldw; wRow < wEnd; wRow += ldw, aColumn++)
        {
            LoadRow<TLane, TVectors>(wRow, out TLane w0, out TLane w1, out TLane w2, out TLane w3);
            FmaRow<TLane, TVectors>(aColumn, w0, w1, w2, w3, ref c00, ref c01, ref c02, ref c03);
            if (TRows.Value > 1) FmaRow<TLane, TVectors>(aColumn + lda, w0, w1, w2, w3, ref c10, ref c11, ref c12, ref c13);
            if (TRows.Value > 2) FmaRow<TLane, TVectors>(aColumn + 2 * lda, w0, w1, w2, w3, ref c20, ref c21, ref c22, ref c23);
            if (TRows.Value > 3) FmaRow<TLane, TVectors>(aColumn + 3 * lda, w0, w1, w2, w3, ref c30, ref c31, ref c32, ref c33);
            if (TRows.Value > 4) FmaRow<TLane, TVectors>(aColumn + 4 * lda, w0, w1, w2, w3, ref c40, ref c41, ref c42, ref c43);
        }

        StoreRow<TLane, TVectors>(c0, c00, c01, c02, c03);
        if (TRows.Value > 1) StoreRow<TLane, TVectors>(c0 + ldc, c10, c11, c12, c13);
        if (TRows.Value > 2) StoreRow<TLane, TVectors>(c0 + 2 * ldc, c20, c21, c22, c23);
        if (TRows.Value > 3) StoreRow<TLane, TVectors>(c0 + 3 * ldc, c30, c31, c32, c33);
        if (TRows.Value > 4) StoreRow<TLane, TVectors>(c0 + 4 * ldc, c40, c41, c42, c43);
    }

    // ---------------------------------------------------------------------------------------------
    // ApplyOuterProductUpdate: blocks of TRowBlock rows of w (index p) x TVectorBlock lanes of columns
    // (at most 8 x 4). The gradient block accumulates in registers over b, then w (and velocity) are
    // updated in one pass, sweeping w row block by row block.
    // ---------------------------------------------------------------------------------------------

    private readonly struct UpdateOperands(
        float* pre, nint ldPre, float* post, nint ldPost, int rows, float* w, float* velocity, nint ldw,
        float gradScale, float momentum, float learningRate)
    {
        public readonly float* Pre = pre;
        public readonly nint LdPre = ldPre;
        public readonly float* Post = post;
        public readonly nint LdPost = ldPost;
        public readonly int Rows = rows;
        public readonly float* W = w;
        public readonly float* Velocity = velocity;
        public readonly nint Ldw = ldw;
        public readonly float GradScale = gradScale;
        public readonly float Momentum = momentum;
        public readonly float LearningRate = learningRate;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ApplyOuterProductUpdate<TLane, TRowBlock, TVectorBlock>(in UpdateOperands u, int k, int n)
        where TLane : struct, ILane<TLane>
        where TRowBlock : struct, IBlockSize
        where TVectorBlock : struct, IBlockSize
    {
        int p = 0;
        for (; p + TRowBlock.Value <= k; p += TRowBlock.Value)
        {
            UpdateRowBlock<TLane, TRowBlock, TVectorBlock>(u, p, n);
        }

        switch (k - p)
        {
            case 1: UpdateRowBlock<TLane, One, TVectorBlock>(u, p, n); break;
            case 2: UpdateRowBlock<TLane, Two, TVectorBlock>(u, p, n); break;
            case 3: UpdateRowBlock<TLane, Three, TVectorBlock>(u, p, n); break;
            case 4: UpdateRowBlock<TLane, Four, TVectorBlock>(u, p, n); break;
            case 5: UpdateRowBlock<TLane, Five, TVectorBlock>(u, p, n); break;
            case 6: UpdateRowBlock<TLane, Six, TVectorBlock>(u, p, n); break;
            case 7: UpdateRowBlock<TLane, Seven, TVectorBlock>(u, p, n); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UpdateRowBlock<TLane, TRows, TVectorBlock>(in UpdateOperands u, int p, int n)
        where TLane : struct, ILane<TLane>
        where TRows : struct, IBlockSize
        where TVectorBlock : struct, IBlockSize
    {
        int lanes = n / LaneWidth;
        int lane = 0;
        for (; lane + TVectorBlock.Value <= lanes; lane += TVectorBlock.Value)
        {
            UpdateBlock<TLane, TRows, TVectorBlock>(u, p, lane * LaneWidth);
        }

        switch (lanes - lane)
        {
            case 1: UpdateBlock<TLane, TRows, One>(u, p, lane * LaneWidth); break;
            case 2: UpdateBlock<TLane, TRows, Two>(u, p, lane * LaneWidth); break;
            case 3: UpdateBlock<TLane, TRows, Three>(u, p, lane * LaneWidth); break;
        }
    }

    /// <summary>
    /// Accumulates the TRows x TVectors gradient tile in registers over all b, parks it in a small
    /// stack tile, then applies the update to the matching block of w. Unrolling the update over the
    /// tile instead exhausts the JIT's inlining budget and leaves lane operations as calls.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void UpdateBlock<TLane, TRows, TVectors>(in UpdateOperands u, int p, int column)
        where TLane : struct, ILane<TLane>
        where TRows : struct, IBlockSize
        where TVectors : struct, IBlockSize
    {
        TLane g00 = default, g01 = default, g02 = default, g03 = default;
        TLane g10 = default, g11 = default, g12 = default, g13 = default;
        TLane g20 = default, g21 = default, g22 = default, g23 = default;
        TLane g30 = default, g31 = default, g32 = default, g33 = default;
        TLane g40 = default, g41 = default, g42 = default, g43 = default;
        TLane g50 = default, g51 = default, g52 = default, g53 = default;
        TLane g60 = default, g61 = default, g62 = default, g63 = default;
        TLane g70 = default, g71 = default, g72 = default, g73 = default;

        nint ldPre = u.LdPre, ldPost = u.LdPost;
        float* preRow = u.Pre + p;
        float* postRow = u.Post + column;
        for (float* preEnd = preRow + u.Rows * ldPre; preRow < preEnd; preRow += ldPre, postRow += ldPost)
        {
            LoadRow<TLane, TVectors>(postRow, out TLane d0, out TLane d1, out TLane d2, out TLane d3);
            FmaRow<TLane, TVectors>(preRow, d0, d1, d2, d3, ref g00, ref g01, ref g02, ref g03);
            if (TRows.Value > 1) FmaRow<TLane, TVectors>(preRow + 1, d0, d1, d2, d3, ref g10, ref g11, ref g12, ref g13);
            if (TRows.Value > 2) FmaRow<TLane, TVectors>(preRow + 2, d0, d1, d2, d3, ref g20, ref g21, ref g22, ref g23);
            if (TRows.Value > 3) FmaRow<TLane, TVectors>(preRow + 3, d0, d1, d2, d3, ref g30, ref g31, ref g32, ref g33);
            if (TRows.Value > 4) FmaRow<TLane, TVectors>(preRow + 4, d0, d1, d2, d3, ref g40, ref g41, ref g42, ref g43);
            if (TRows.Value > 5) FmaRow<TLane, TVectors>(preRow + 5, d0, d1, d2, d3, ref g50, ref g51, ref g52, ref g53);
            if (TRows.Value > 6) FmaRow<TLane, TVectors>(preRow + 6, d0, d1, d2, d3, ref g60, ref g61, ref g62, ref g63);
            if (TRows.Value > 7) FmaRow<TLane, TVectors>(preRow + 7, d0, d1, d2, d3, ref g70, ref g71, ref g72, ref g73);
        }

        const int tileRowStride = 4 * LaneWidth;
        float* tile = stackalloc float[8 * tileRowStride];
        StoreRow<TLane, TVectors>(tile, g00, g01, g02, g03);
        if (TRows.Value > 1) StoreRow<TLane, TVectors>(tile + tileRowStride, g10, g11, g12, g13);
        if (TRows.Value > 2) StoreRow<TLane, TVectors>(tile + 2 * tileRowStride, g20, g21, g22, g23);
        if (TRows.Value > 3) StoreRow<TLane, TVectors>(tile + 3 * tileRowStride, g30, g31, g32, g33);
        if (TRows.Value > 4) StoreRow<TLane, TVectors>(tile + 4 * tileRowStride, g40, g41, g42, g43);
        if (TRows.Value > 5) StoreRow<TLane, TVectors>(tile + 5 * tileRowStride, g50, g51, g52, g53);
        if (TRows.Value > 6) StoreRow<TLane, TVectors>(tile + 6 * tileRowStride, g60, g61, g62, g63);
        if (TRows.Value > 7) StoreRow<TLane, TVectors>(tile + 7 * tileRowStride, g70, g71, g72, g73);

        nint offset = p * u.Ldw + column;
        for (int row = 0; row < TRows.Value; row++, offset += u.Ldw)
        {
            for (int lane = 0; lane < TVectors.Value; lane++)
            {
                UpdateLane(u, offset + lane * LaneWidth, TLane.Load(tile + row * tileRowStride + lane * LaneWidth));
            }
        }
    }

    /// <summary>The fixed per-element update sequence shared by every code path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateLane<TLane>(in UpdateOperands u, nint offset, TLane gradient)
        where TLane : struct, ILane<TLane>
    {
        TLane scaled = TLane.Multiply(TLane.Broadcast(u.GradScale), gradient);
        float* weights = u.W + offset;
        if (u.Velocity == null)
        {
            TLane.Store(weights, TLane.FusedMultiplyAdd(TLane.Broadcast(u.LearningRate), scaled, TLane.Load(weights)));
        }
        else
        {
            float* velocity = u.Velocity + offset;
            TLane v = TLane.FusedMultiplyAdd(TLane.Broadcast(u.Momentum), TLane.Load(velocity), scaled);
            TLane.Store(velocity, v);
            TLane.Store(weights, TLane.FusedMultiplyAdd(TLane.Broadcast(u.LearningRate), v, TLane.Load(weights)));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Shared row helpers: a row of up to four lanes, of which the first TVectors are live.
    // ---------------------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadRow<TLane, TVectors>(float* source, out TLane v0, out TLane v1, out TLane v2, out TLane v3)
        where TLane : struct, ILane<TLane>
        where TVectors : struct, IBlockSize
    {
        v0 = TLane.Load(source);
        v1 = TVectors.Value > 1 ? TLane.Load(source + LaneWidth) : default;
        v2 = TVectors.Value > 2 ? TLane.Load(source + 2 * LaneWidth) : default;
        v3 = TVectors.Value > 3 ? TLane.Load(source + 3 * LaneWidth) : default;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TLane, TVectors>(float* destination, TLane v0, TLane v1, TLane v2, TLane v3)
        where TLane : struct, ILane<TLane>
        where TVectors : struct, IBlockSize
    {
        TLane.Store(destination, v0);
        if (TVectors.Value > 1) TLane.Store(destination + LaneWidth, v1);
        if (TVectors.Value > 2) TLane.Store(destination + 2 * LaneWidth, v2);
        if (TVectors.Value > 3) TLane.Store(destination + 3 * LaneWidth, v3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FmaRow<TLane, TVectors>(
        float* scalar, TLane x0, TLane x1, TLane x2, TLane x3,
        ref TLane acc0, ref TLane acc1, ref TLane acc2, ref TLane acc3)
        where TLane : struct, ILane<TLane>
        where TVectors : struct, IBlockSize
    {
        acc0 = TLane.FusedMultiplyAddBroadcast(scalar, x0, acc0);
        if (TVectors.Value > 1) acc1 = TLane.FusedMultiplyAddBroadcast(scalar, x1, acc1);
        if (TVectors.Value > 2) acc2 = TLane.FusedMultiplyAddBroadcast(scalar, x2, acc2);
        if (TVectors.Value > 3) acc3 = TLane.FusedMultiplyAddBroadcast(scalar, x3, acc3);
    }

    // ---------------------------------------------------------------------------------------------
    // Lanes of 16 floats and compile-time block sizes (generic struct arguments are specialised by
    // the JIT, so the size tests above fold away and the accumulators stay in registers).
    // ---------------------------------------------------------------------------------------------

    private interface ILane<TSelf> where TSelf : struct, ILane<TSelf>
    {
        static abstract TSelf Load(float* source);
        static abstract void Store(float* destination, TSelf value);
        /// <summary>fma(broadcast(*scalar), x, addend) in one expression, so the JIT can embed the broadcast load.</summary>
        static abstract TSelf FusedMultiplyAddBroadcast(float* scalar, TSelf x, TSelf addend);
        static abstract TSelf Broadcast(float value);
        static abstract TSelf Multiply(TSelf left, TSelf right);
        static abstract TSelf FusedMultiplyAdd(TSelf left, TSelf right, TSelf addend);
    }

    private readonly struct Zmm(Vector512<float> value) : ILane<Zmm>
    {
        private readonly Vector512<float> _value = value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Zmm Load(float* source) => new(Vector512.Load(source));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(float* destination, Zmm value) => value._value.Store(destination);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Zmm FusedMultiplyAddBroadcast(float* scalar, Zmm x, Zmm addend) =>
            new(Vector512.FusedMultiplyAdd(Vector512.Create(*scalar), x._value, addend._value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Zmm Broadcast(float value) => new(Vector512.Create(value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Zmm Multiply(Zmm left, Zmm right) => new(left._value * right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Zmm FusedMultiplyAdd(Zmm left, Zmm right, Zmm addend) =>
            new(Vector512.FusedMultiplyAdd(left._value, right._value, addend._value));
    }

    private readonly struct YmmPair(Vector256<float> lower, Vector256<float> upper) : ILane<YmmPair>
    {
        private readonly Vector256<float> _lower = lower;
        private readonly Vector256<float> _upper = upper;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static YmmPair Load(float* source) => new(Vector256.Load(source), Vector256.Load(source + 8));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(float* destination, YmmPair value)
        {
            value._lower.Store(destination);
            value._upper.Store(destination + 8);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static YmmPair FusedMultiplyAddBroadcast(float* scalar, YmmPair x, YmmPair addend) =>
            FusedMultiplyAdd(Broadcast(*scalar), x, addend);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static YmmPair Broadcast(float value)
        {
            Vector256<float> broadcast = Vector256.Create(value);
            return new(broadcast, broadcast);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static YmmPair Multiply(YmmPair left, YmmPair right) =>
            new(left._lower * right._lower, left._upper * right._upper);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static YmmPair FusedMultiplyAdd(YmmPair left, YmmPair right, YmmPair addend) =>
            new(Vector256.FusedMultiplyAdd(left._lower, right._lower, addend._lower),
                Vector256.FusedMultiplyAdd(left._upper, right._upper, addend._upper));
    }

    private interface IBlockSize
    {
        static abstract int Value { get; }
    }

    private readonly struct One : IBlockSize { public static int Value => 1; }

    private readonly struct Two : IBlockSize { public static int Value => 2; }

    private readonly struct Three : IBlockSize { public static int Value => 3; }

    private readonly struct Four : IBlockSize { public static int Value => 4; }

    private readonly struct Five : IBlockSize { public static int Value => 5; }

    private readonly struct Six : IBlockSize { public static int Value => 6; }

    private readonly struct Seven : IBlockSize { public static int Value => 7; }

    private readonly struct Eight : IBlockSize { public static int Value => 8; }

}

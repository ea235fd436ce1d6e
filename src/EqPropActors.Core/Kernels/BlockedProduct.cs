using System.Runtime.CompilerServices;

namespace EqPropActors.Core.Kernels;

/// <summary>The operands of c = initial + a·w, as raw pointers with leading dimensions (row-major).</summary>
internal readonly unsafe struct ProductOperands(float* a, nint lda, float* w, nint ldw, float* initial, nint ldInitial, float* c, nint ldc, int k)
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

/// <summary>
/// c = initial + a·w in register blocks of TRowBlock rows of c × TVectorBlock lanes of columns (at most 8 × 4).
/// Column blocks are the outer loop, so the w panel of one column block stays cache-resident while every row block
/// sweeps it; leftover rows and lanes use smaller blocks of the same kind. Each element of a block is one fma chain
/// over p = 0 .. k-1 started from initial, whatever the block: the determinism contract of <see cref="DenseKernels"/>.
/// Copying each panel into a contiguous buffer first (packing) was measured on AVX2 at 512³: +0 to +8 %, within the
/// noise of a shared machine, for an extra pass over w that a batch of 20 rows cannot repay; so w is read in place.
/// </summary>
internal static unsafe class BlockedProduct
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TLane, TRowBlock, TVectorBlock>(in ProductOperands m, int rows, int n)
        where TLane : struct, ILane<TLane>
        where TRowBlock : struct, IBlockSize
        where TVectorBlock : struct, IBlockSize
    {
        int lanes = n / TLane.Width;
        int lane = 0;
        for (; lane + TVectorBlock.Value <= lanes; lane += TVectorBlock.Value)
            ColumnBlock<TLane, TRowBlock, TVectorBlock>(m, m.W + lane * TLane.Width, m.Ldw, rows, lane * TLane.Width);

        float* wColumn = m.W + lane * TLane.Width;
        switch (lanes - lane)
        {
            case 1: ColumnBlock<TLane, TRowBlock, One>(m, wColumn, m.Ldw, rows, lane * TLane.Width); break;
            case 2: ColumnBlock<TLane, TRowBlock, Two>(m, wColumn, m.Ldw, rows, lane * TLane.Width); break;
            case 3: ColumnBlock<TLane, TRowBlock, Three>(m, wColumn, m.Ldw, rows, lane * TLane.Width); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ColumnBlock<TLane, TRowBlock, TVectors>(in ProductOperands m, float* wColumn, nint ldw, int rows, int column)
        where TLane : struct, ILane<TLane>
        where TRowBlock : struct, IBlockSize
        where TVectors : struct, IBlockSize
    {
        int row = 0;
        for (; row + TRowBlock.Value <= rows; row += TRowBlock.Value)
            Block<TLane, TRowBlock, TVectors>(m, wColumn, ldw, row, column);

        switch (rows - row)
        {
            case 1: Block<TLane, One, TVectors>(m, wColumn, ldw, row, column); break;
            case 2: Block<TLane, Two, TVectors>(m, wColumn, ldw, row, column); break;
            case 3: Block<TLane, Three, TVectors>(m, wColumn, ldw, row, column); break;
            case 4: Block<TLane, Four, TVectors>(m, wColumn, ldw, row, column); break;
            case 5: Block<TLane, Five, TVectors>(m, wColumn, ldw, row, column); break;
            case 6: Block<TLane, Six, TVectors>(m, wColumn, ldw, row, column); break;
            case 7: Block<TLane, Seven, TVectors>(m, wColumn, ldw, row, column); break;
        }
    }

    /// <summary>TRows × TVectors lanes of c held in registers for the whole k loop: one fma chain per element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block<TLane, TRows, TVectors>(in ProductOperands m, float* wColumn, nint ldw, int row, int column)
        where TLane : struct, ILane<TLane>
        where TRows : struct, IBlockSize
        where TVectors : struct, IBlockSize
    {
        nint lda = m.Lda, ldc = m.Ldc, ldi = m.LdInitial;
        float* c0 = m.C + row * ldc + column;
        float* i0 = m.Initial + row * ldi + column;

        TLane c00 = default, c01 = default, c02 = default, c03 = default;
        TLane c10 = default, c11 = default, c12 = default, c13 = default;
        TLane c20 = default, c21 = default, c22 = default, c23 = default;
        TLane c30 = default, c31 = default, c32 = default, c33 = default;
        TLane c40 = default, c41 = default, c42 = default, c43 = default;
        TLane c50 = default, c51 = default, c52 = default, c53 = default;
        TLane c60 = default, c61 = default, c62 = default, c63 = default;
        TLane c70 = default, c71 = default, c72 = default, c73 = default;

        LaneRow.Load<TLane, TVectors>(i0, out c00, out c01, out c02, out c03);
        if (TRows.Value > 1) LaneRow.Load<TLane, TVectors>(i0 + ldi, out c10, out c11, out c12, out c13);
        if (TRows.Value > 2) LaneRow.Load<TLane, TVectors>(i0 + 2 * ldi, out c20, out c21, out c22, out c23);
        if (TRows.Value > 3) LaneRow.Load<TLane, TVectors>(i0 + 3 * ldi, out c30, out c31, out c32, out c33);
        if (TRows.Value > 4) LaneRow.Load<TLane, TVectors>(i0 + 4 * ldi, out c40, out c41, out c42, out c43);
        if (TRows.Value > 5) LaneRow.Load<TLane, TVectors>(i0 + 5 * ldi, out c50, out c51, out c52, out c53);
        if (TRows.Value > 6) LaneRow.Load<TLane, TVectors>(i0 + 6 * ldi, out c60, out c61, out c62, out c63);
        if (TRows.Value > 7) LaneRow.Load<TLane, TVectors>(i0 + 7 * ldi, out c70, out c71, out c72, out c73);

        float* aColumn = m.A + row * lda;
        for (float* wRow = wColumn, wEnd = wColumn + m.K * ldw; wRow < wEnd; wRow += ldw, aColumn++)
        {
            LaneRow.Load<TLane, TVectors>(wRow, out TLane w0, out TLane w1, out TLane w2, out TLane w3);
            LaneRow.Fma<TLane, TVectors>(aColumn, w0, w1, w2, w3, ref c00, ref c01, ref c02, ref c03);
            if (TRows.Value > 1) LaneRow.Fma<TLane, TVectors>(aColumn + lda, w0, w1, w2, w3, ref c10, ref c11, ref c12, ref c13);
            if (TRows.Value > 2) LaneRow.Fma<TLane, TVectors>(aColumn + 2 * lda, w0, w1, w2, w3, ref c20, ref c21, ref c22, ref c23);
            if (TRows.Value > 3) LaneRow.Fma<TLane, TVectors>(aColumn + 3 * lda, w0, w1, w2, w3, ref c30, ref c31, ref c32, ref c33);
            if (TRows.Value > 4) LaneRow.Fma<TLane, TVectors>(aColumn + 4 * lda, w0, w1, w2, w3, ref c40, ref c41, ref c42, ref c43);
            if (TRows.Value > 5) LaneRow.Fma<TLane, TVectors>(aColumn + 5 * lda, w0, w1, w2, w3, ref c50, ref c51, ref c52, ref c53);
            if (TRows.Value > 6) LaneRow.Fma<TLane, TVectors>(aColumn + 6 * lda, w0, w1, w2, w3, ref c60, ref c61, ref c62, ref c63);
            if (TRows.Value > 7) LaneRow.Fma<TLane, TVectors>(aColumn + 7 * lda, w0, w1, w2, w3, ref c70, ref c71, ref c72, ref c73);
        }

        LaneRow.Store<TLane, TVectors>(c0, c00, c01, c02, c03);
        if (TRows.Value > 1) LaneRow.Store<TLane, TVectors>(c0 + ldc, c10, c11, c12, c13);
        if (TRows.Value > 2) LaneRow.Store<TLane, TVectors>(c0 + 2 * ldc, c20, c21, c22, c23);
        if (TRows.Value > 3) LaneRow.Store<TLane, TVectors>(c0 + 3 * ldc, c30, c31, c32, c33);
        if (TRows.Value > 4) LaneRow.Store<TLane, TVectors>(c0 + 4 * ldc, c40, c41, c42, c43);
        if (TRows.Value > 5) LaneRow.Store<TLane, TVectors>(c0 + 5 * ldc, c50, c51, c52, c53);
        if (TRows.Value > 6) LaneRow.Store<TLane, TVectors>(c0 + 6 * ldc, c60, c61, c62, c63);
        if (TRows.Value > 7) LaneRow.Store<TLane, TVectors>(c0 + 7 * ldc, c70, c71, c72, c73);
    }
}

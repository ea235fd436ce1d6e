using System.Runtime.CompilerServices;

namespace EqPropActors.Core.Kernels;

/// <summary>The operands of one momentum SGD step with an outer-product gradient, as raw pointers.</summary>
internal readonly unsafe struct UpdateOperands(
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

/// <summary>
/// The weight update of <see cref="DenseKernels.ApplyOuterProductUpdate"/> in blocks of TRowBlock rows of w (index p)
/// × TVectorBlock lanes of columns (at most 8 × 4). The gradient block accumulates in registers over b, then w (and
/// velocity) are updated in one pass, sweeping w row block by row block.
/// </summary>
internal static unsafe class BlockedOuterProductUpdate
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TLane, TRowBlock, TVectorBlock>(in UpdateOperands u, int k, int n)
        where TLane : struct, ILane<TLane>
        where TRowBlock : struct, IBlockSize
        where TVectorBlock : struct, IBlockSize
    {
        int p = 0;
        for (; p + TRowBlock.Value <= k; p += TRowBlock.Value)
            RowBlock<TLane, TRowBlock, TVectorBlock>(u, p, n);

        switch (k - p)
        {
            case 1: RowBlock<TLane, One, TVectorBlock>(u, p, n); break;
            case 2: RowBlock<TLane, Two, TVectorBlock>(u, p, n); break;
            case 3: RowBlock<TLane, Three, TVectorBlock>(u, p, n); break;
            case 4: RowBlock<TLane, Four, TVectorBlock>(u, p, n); break;
            case 5: RowBlock<TLane, Five, TVectorBlock>(u, p, n); break;
            case 6: RowBlock<TLane, Six, TVectorBlock>(u, p, n); break;
            case 7: RowBlock<TLane, Seven, TVectorBlock>(u, p, n); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowBlock<TLane, TRows, TVectorBlock>(in UpdateOperands u, int p, int n)
        where TLane : struct, ILane<TLane>
        where TRows : struct, IBlockSize
        where TVectorBlock : struct, IBlockSize
    {
        int lanes = n / TLane.Width;
        int lane = 0;
        for (; lane + TVectorBlock.Value <= lanes; lane += TVectorBlock.Value)
            Block<TLane, TRows, TVectorBlock>(u, p, lane * TLane.Width);

        switch (lanes - lane)
        {
            case 1: Block<TLane, TRows, One>(u, p, lane * TLane.Width); break;
            case 2: Block<TLane, TRows, Two>(u, p, lane * TLane.Width); break;
            case 3: Block<TLane, TRows, Three>(u, p, lane * TLane.Width); break;
        }
    }

    /// <summary>
    /// Accumulates the TRows × TVectors gradient tile in registers over all b, parks it in a small stack tile, then
    /// applies the update to the matching block of w. Unrolling the update over the tile instead exhausts the JIT's
    /// inlining budget and leaves lane operations as calls.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void Block<TLane, TRows, TVectors>(in UpdateOperands u, int p, int column)
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
            LaneRow.Load<TLane, TVectors>(postRow, out TLane d0, out TLane d1, out TLane d2, out TLane d3);
            LaneRow.Fma<TLane, TVectors>(preRow, d0, d1, d2, d3, ref g00, ref g01, ref g02, ref g03);
            if (TRows.Value > 1) LaneRow.Fma<TLane, TVectors>(preRow + 1, d0, d1, d2, d3, ref g10, ref g11, ref g12, ref g13);
            if (TRows.Value > 2) LaneRow.Fma<TLane, TVectors>(preRow + 2, d0, d1, d2, d3, ref g20, ref g21, ref g22, ref g23);
            if (TRows.Value > 3) LaneRow.Fma<TLane, TVectors>(preRow + 3, d0, d1, d2, d3, ref g30, ref g31, ref g32, ref g33);
            if (TRows.Value > 4) LaneRow.Fma<TLane, TVectors>(preRow + 4, d0, d1, d2, d3, ref g40, ref g41, ref g42, ref g43);
            if (TRows.Value > 5) LaneRow.Fma<TLane, TVectors>(preRow + 5, d0, d1, d2, d3, ref g50, ref g51, ref g52, ref g53);
            if (TRows.Value > 6) LaneRow.Fma<TLane, TVectors>(preRow + 6, d0, d1, d2, d3, ref g60, ref g61, ref g62, ref g63);
            if (TRows.Value > 7) LaneRow.Fma<TLane, TVectors>(preRow + 7, d0, d1, d2, d3, ref g70, ref g71, ref g72, ref g73);
        }

        int tileRowStride = 4 * TLane.Width;
        float* tile = stackalloc float[8 * 4 * 16];
        LaneRow.Store<TLane, TVectors>(tile, g00, g01, g02, g03);
        if (TRows.Value > 1) LaneRow.Store<TLane, TVectors>(tile + tileRowStride, g10, g11, g12, g13);
        if (TRows.Value > 2) LaneRow.Store<TLane, TVectors>(tile + 2 * tileRowStride, g20, g21, g22, g23);
        if (TRows.Value > 3) LaneRow.Store<TLane, TVectors>(tile + 3 * tileRowStride, g30, g31, g32, g33);
        if (TRows.Value > 4) LaneRow.Store<TLane, TVectors>(tile + 4 * tileRowStride, g40, g41, g42, g43);
        if (TRows.Value > 5) LaneRow.Store<TLane, TVectors>(tile + 5 * tileRowStride, g50, g51, g52, g53);
        if (TRows.Value > 6) LaneRow.Store<TLane, TVectors>(tile + 6 * tileRowStride, g60, g61, g62, g63);
        if (TRows.Value > 7) LaneRow.Store<TLane, TVectors>(tile + 7 * tileRowStride, g70, g71, g72, g73);

        nint offset = p * u.Ldw + column;
        for (int row = 0; row < TRows.Value; row++, offset += u.Ldw)
            for (int lane = 0; lane < TVectors.Value; lane++)
                UpdateLane(u, offset + lane * TLane.Width, TLane.Load(tile + row * tileRowStride + lane * TLane.Width));
    }

    /// <summary>The fixed per-element update sequence shared by every path: g2 = scale·g, then the momentum step.</summary>
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
}

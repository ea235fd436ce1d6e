namespace EqPropActors.Core.Kernels;

/// <summary>
/// Runs the large dense kernels on several cores by splitting the output columns into contiguous chunks. Each
/// output element is still computed by one thread with one fused-multiply-add chain, so results are bit-identical
/// to the single-threaded kernels whatever the number of workers. Small products stay on the calling thread,
/// where a hand-off would cost more than it saves.
/// </summary>
public sealed class ColumnParallelKernels
{
    /// <summary>Multiply-adds below which a product is not split (a hand-off costs a few microseconds).</summary>
    public const long SplitThreshold = 2_000_000;

    private const int ChunkAlignment = 4 * Padding.Lanes;

    private readonly Action<int> _multiplyChunk;
    private readonly Action<int> _updateChunk;

    // Arguments of the call in flight, read by the cached chunk delegates (no closure allocated per call).
    private float[] _a = [], _w = [], _c = [], _velocity = [];
    private int _aOffset, _lda, _ldw, _ldc, _rows, _k, _n, _chunk, _ldPost, _postOffset;
    private float[] _post = [];
    private float _gradScale, _momentum, _learningRate;
    private bool _hasVelocity;

    public ColumnParallelKernels(int workers)
    {
        Workers = Math.Max(1, workers);
        _multiplyChunk = MultiplyChunk;
        _updateChunk = UpdateChunk;
    }

    public int Workers { get; }

    public static ColumnParallelKernels SingleThreaded { get; } = new(1);

    /// <summary><see cref="DenseKernels.MultiplyAccumulate"/> with a = <paramref name="a"/>[aOffset..].</summary>
    public void MultiplyAccumulate(float[] a, int aOffset, int lda, float[] w, int ldw, float[] c, int ldc, int rows, int k, int n)
    {
        int parts = Parts((long)rows * k * n, n);
        if (parts == 1)
        {
            DenseKernels.MultiplyAccumulate(a.AsSpan(aOffset), lda, w, ldw, c, ldc, rows, k, n);
            return;
        }
        (_a, _aOffset, _lda, _w, _ldw, _c, _ldc, _rows, _k, _n) = (a, aOffset, lda, w, ldw, c, ldc, rows, k, n);
        Parallel.For(0, parts, _multiplyChunk);
    }

    /// <summary><see cref="DenseKernels.ApplyOuterProductUpdate"/> with pre = <paramref name="pre"/>[preOffset..].</summary>
    public void ApplyOuterProductUpdate(float[] pre, int preOffset, int ldPre, float[] post, int postOffset, int ldPost, int rows, int k, int n,
        float[] w, int ldw, float[]? velocity, float gradScale, float momentum, float learningRate)
    {
        int parts = Parts((long)rows * k * n, n);
        if (parts == 1)
        {
            DenseKernels.ApplyOuterProductUpdate(pre.AsSpan(preOffset), ldPre, post.AsSpan(postOffset), ldPost, rows, k, n, w, ldw,
                velocity, gradScale, momentum, learningRate);
            return;
        }
        (_a, _aOffset, _lda, _post, _postOffset, _ldPost, _rows, _k, _n, _w, _ldw) = (pre, preOffset, ldPre, post, postOffset, ldPost, rows, k, n, w, ldw);
        (_velocity, _hasVelocity, _gradScale, _momentum, _learningRate) = (velocity ?? [], velocity is not null, gradScale, momentum, learningRate);
        Parallel.For(0, parts, _updateChunk);
    }

    private int Parts(long multiplyAdds, int n)
    {
        if (Workers == 1 || multiplyAdds < SplitThreshold || n < 2 * ChunkAlignment)
            return 1;
        _chunk = (n / Workers + ChunkAlignment - 1) / ChunkAlignment * ChunkAlignment;
        return (n + _chunk - 1) / _chunk;
    }

    private void MultiplyChunk(int part)
    {
        int first = part * _chunk, columns = Math.Min(_chunk, _n - first);
        DenseKernels.MultiplyAccumulate(_a.AsSpan(_aOffset), _lda, _w.AsSpan(first), _ldw, _c.AsSpan(first), _ldc, _rows, _k, columns);
    }

    private void UpdateChunk(int part)
    {
        int first = part * _chunk, columns = Math.Min(_chunk, _n - first);
        DenseKernels.ApplyOuterProductUpdate(_a.AsSpan(_aOffset), _lda, _post.AsSpan(_postOffset + first), _ldPost, _rows, _k, columns,
            _w.AsSpan(first), _ldw, _hasVelocity ? _velocity.AsSpan(first) : Span<float>.Empty, _gradScale, _momentum, _learningRate);
    }
}

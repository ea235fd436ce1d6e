namespace EqPropActors.Core.Kernels;

/// <summary>
/// Splits large products by output columns between the calling thread and one helper thread. On the 784-500-10
/// baseline this also halves the part of W_1 each core streams, so that each half stays in its core's L2 cache.
/// The helper spins briefly between products (a product arrives every few hundred microseconds, and waking a
/// blocked thread costs tens of microseconds), then blocks so it does not burn a core while nothing runs.
/// </summary>
public sealed class TwoCoreProductScheduler : ProductScheduler, IDisposable
{
    /// <summary>Multiply-adds below which a product stays on the calling thread.</summary>
    public const long SplitThreshold = 1_000_000;

    private const int ChunkAlignment = 4 * Padding.Lanes;
    private const int SpinIterationsBeforeBlocking = 20_000;

    private readonly Thread _helper;
    private readonly SemaphoreSlim _wake = new(0);
    private int _generation, _sleeping, _pending;
    private volatile bool _stopping;
    private Exception? _helperFailure;

    // The product in flight: the helper computes columns [_split, _n), the caller [0, _split).
    private bool _isUpdate;
    private float[] _a = [], _w = [], _initial = [], _c = [], _post = [];
    private float[]? _velocity;
    private int _aOffset, _lda, _ldw, _ldInitial, _ldc, _ldPost, _rows, _k, _n, _split;
    private float _gradScale, _momentum, _learningRate;

    public TwoCoreProductScheduler()
    {
        _helper = new Thread(HelperLoop) { IsBackground = true, Name = "eqprop product helper" };
        _helper.Start();
    }

    public override int Threads => 2;

    public override void MultiplyAdd(float[] a, int aOffset, int lda, float[] w, int ldw, float[] initial, int ldInitial,
        float[] c, int ldc, int rows, int k, int n)
    {
        int split = SplitPoint((long)rows * k * n, n);
        if (split == 0)
        {
            base.MultiplyAdd(a, aOffset, lda, w, ldw, initial, ldInitial, c, ldc, rows, k, n);
            return;
        }
        (_isUpdate, _a, _aOffset, _lda, _w, _ldw, _initial, _ldInitial, _c, _ldc, _rows, _k, _n, _split) =
            (false, a, aOffset, lda, w, ldw, initial, ldInitial, c, ldc, rows, k, n, split);
        RunSplit();
    }

    public override void ApplyOuterProductUpdate(float[] pre, int preOffset, int ldPre, float[] post, int ldPost, int rows, int k, int n,
        float[] w, int ldw, float[]? velocity, float gradScale, float momentum, float learningRate)
    {
        int split = SplitPoint((long)rows * k * n, n);
        if (split == 0)
        {
            base.ApplyOuterProductUpdate(pre, preOffset, ldPre, post, ldPost, rows, k, n, w, ldw, velocity, gradScale, momentum, learningRate);
            return;
        }
        (_isUpdate, _a, _aOffset, _lda, _post, _ldPost, _rows, _k, _n, _w, _ldw, _velocity, _gradScale, _momentum, _learningRate, _split) =
            (true, pre, preOffset, ldPre, post, ldPost, rows, k, n, w, ldw, velocity, gradScale, momentum, learningRate, split);
        RunSplit();
    }

    public void Dispose()
    {
        _stopping = true;
        Interlocked.Increment(ref _generation);
        _wake.Release();
        _helper.Join();
        _wake.Dispose();
    }

    private static int SplitPoint(long multiplyAdds, int n)
    {
        if (multiplyAdds < SplitThreshold || n < 2 * ChunkAlignment)
            return 0;
        return (n / 2 + ChunkAlignment - 1) / ChunkAlignment * ChunkAlignment;
    }

    private void RunSplit()
    {
        Volatile.Write(ref _pending, 1);
        Interlocked.Increment(ref _generation);
        if (Interlocked.Exchange(ref _sleeping, 0) == 1)
            _wake.Release();
        Compute(0, _split);
        var spin = new SpinWait();
        while (Volatile.Read(ref _pending) != 0)
            spin.SpinOnce(sleep1Threshold: -1);
        if (Interlocked.Exchange(ref _helperFailure, null) is { } failure)
            throw new InvalidOperationException("the product helper thread failed", failure); // reported once, not on every later product
    }

    private void Compute(int first, int end)
    {
        int columns = end - first;
        if (_isUpdate)
            DenseKernels.ApplyOuterProductUpdate(_a.AsSpan(_aOffset), _lda, _post.AsSpan(first), _ldPost, _rows, _k, columns,
                _w.AsSpan(first), _ldw, _velocity is null ? Span<float>.Empty : _velocity.AsSpan(first), _gradScale, _momentum, _learningRate);
        else
            DenseKernels.MultiplyAdd(_a.AsSpan(_aOffset), _lda, _w.AsSpan(first), _ldw, _initial.AsSpan(first), _ldInitial,
                _c.AsSpan(first), _ldc, _rows, _k, columns);
    }

    private void HelperLoop()
    {
        int seen = 0;
        while (true)
        {
            int spins = 0;
            while (Volatile.Read(ref _generation) == seen)
            {
                if (++spins < SpinIterationsBeforeBlocking)
                {
                    Thread.SpinWait(20);
                    continue;
                }
                // Announce sleep, then re-check: a product published meanwhile either sees the flag and releases
                // the semaphore, or we take the flag back ourselves and must not wait.
                Volatile.Write(ref _sleeping, 1);
                if (Volatile.Read(ref _generation) != seen && Interlocked.Exchange(ref _sleeping, 0) == 1)
                    break;
                _wake.Wait();
                break;
            }
            seen = Volatile.Read(ref _generation);
            if (_stopping)
                return;
            try
            {
                Compute(_split, _n);
            }
            catch (Exception e)
            {
                _helperFailure = e;
            }
            Volatile.Write(ref _pending, 0);
        }
    }
}

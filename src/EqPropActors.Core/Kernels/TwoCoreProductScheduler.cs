namespace EqPropActors.Core.Kernels;

/// <summary>
/// Splits large products by output columns between the calling thread and one helper thread. On the 784-500-10
/// baseline this also halves the part of W_1 each core streams, so that each half stays in its core's L2 cache.
/// The helper spins briefly after a product (the next one often follows within microseconds), then blocks so it does
/// not burn a core while nothing runs. A blocked helper takes tens of microseconds to wake, and on a busy machine its
/// core may be taken: so the caller, once done with its own half, takes over the helper's half if the helper has not
/// started it. A product therefore never waits for a thread that is not running, and never costs more than on one core
/// (plus the publication). Whoever computes a column computes all of it, so the bits do not depend on who did.
/// </summary>
public sealed class TwoCoreProductScheduler : ProductScheduler, IDisposable
{
    /// <summary>Multiply-adds below which a product stays on the calling thread.</summary>
    public const long SplitThreshold = 1_000_000;

    private const int ChunkAlignment = 4 * Padding.Lanes;

    /// <summary>How long the helper spins for the next product before it blocks.</summary>
    private static readonly long SpinTicksBeforeBlocking = System.Diagnostics.Stopwatch.Frequency / 20_000; // 50 µs

    // Who owns the helper's half of the product in flight.
    private const int Done = 0, Published = 1, ClaimedByHelper = 2, TakenByCaller = 3;

    private readonly Thread _helper;
    private readonly SemaphoreSlim _wake = new(0);
    private int _generation, _sleeping, _helperHalf;
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
        Volatile.Write(ref _helperHalf, Published);
        Interlocked.Increment(ref _generation);
        if (Interlocked.Exchange(ref _sleeping, 0) == 1)
            _wake.Release();
        Compute(0, _split);
        if (Interlocked.CompareExchange(ref _helperHalf, TakenByCaller, Published) == Published)
        {
            Compute(_split, _n);
            Volatile.Write(ref _helperHalf, Done);
        }
        else
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref _helperHalf) != Done)
                spin.SpinOnce(sleep1Threshold: -1);
        }
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
            long spinUntil = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicksBeforeBlocking;
            while (Volatile.Read(ref _generation) == seen)
            {
                if (System.Diagnostics.Stopwatch.GetTimestamp() < spinUntil)
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
            // The caller may have taken this half over already (and even published the next product: then this claims
            // that one, whose operands are in place, since a product is published only after they are written).
            if (Interlocked.CompareExchange(ref _helperHalf, ClaimedByHelper, Published) != Published)
                continue;
            try
            {
                Compute(_split, _n);
            }
            catch (Exception e)
            {
                _helperFailure = e;
            }
            Volatile.Write(ref _helperHalf, Done);
        }
    }
}

using System.Diagnostics;
using EqPropActors.Core.Kernels;

namespace EqPropActors.Core.Engines.Profiling;

/// <summary>Runs every product on <paramref name="inner"/> and records its wall time as product time.</summary>
public sealed class TimedProductScheduler(ProductScheduler inner, TimeBreakdownRecorder recorder) : ProductScheduler
{
    public override int Threads => inner.Threads;

    public override void MultiplyAdd(float[] a, int aOffset, int lda, float[] w, int ldw, float[] initial, int ldInitial,
        float[] c, int ldc, int rows, int k, int n)
    {
        long start = Stopwatch.GetTimestamp();
        inner.MultiplyAdd(a, aOffset, lda, w, ldw, initial, ldInitial, c, ldc, rows, k, n);
        recorder.AddProduct(start);
    }

    public override void ApplyOuterProductUpdate(float[] pre, int preOffset, int ldPre, float[] post, int ldPost, int rows, int k, int n,
        float[] w, int ldw, float[]? velocity, float gradScale, float momentum, float learningRate)
    {
        long start = Stopwatch.GetTimestamp();
        inner.ApplyOuterProductUpdate(pre, preOffset, ldPre, post, ldPost, rows, k, n, w, ldw, velocity, gradScale, momentum, learningRate);
        recorder.AddProduct(start);
    }
}

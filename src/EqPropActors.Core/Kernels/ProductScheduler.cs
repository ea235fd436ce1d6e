namespace EqPropActors.Core.Kernels;

/// <summary>
/// Runs the dense products of a group, on the calling thread or split by output columns over a second core.
/// Each output element is still one fused-multiply-add chain computed by one thread, so the results are
/// bit-identical whatever the number of threads.
/// </summary>
public class ProductScheduler
{
    public static ProductScheduler SingleThreaded { get; } = new();

    public virtual int Threads => 1;

    /// <summary>c = initial + a·w (see <see cref="DenseKernels.MultiplyAdd"/>); a is read from <paramref name="aOffset"/>.</summary>
    public virtual void MultiplyAdd(float[] a, int aOffset, int lda, float[] w, int ldw, float[] initial, int ldInitial,
        float[] c, int ldc, int rows, int k, int n) =>
        DenseKernels.MultiplyAdd(a.AsSpan(aOffset), lda, w, ldw, initial, ldInitial, c, ldc, rows, k, n);

    /// <summary><see cref="DenseKernels.ApplyOuterProductUpdate"/>; pre is read from <paramref name="preOffset"/>.</summary>
    public virtual void ApplyOuterProductUpdate(float[] pre, int preOffset, int ldPre, float[] post, int ldPost, int rows, int k, int n,
        float[] w, int ldw, float[]? velocity, float gradScale, float momentum, float learningRate) =>
        DenseKernels.ApplyOuterProductUpdate(pre.AsSpan(preOffset), ldPre, post, ldPost, rows, k, n, w, ldw, velocity,
            gradScale, momentum, learningRate);
}

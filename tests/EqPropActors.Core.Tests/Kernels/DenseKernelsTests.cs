using EqPropActors.Core.Kernels;
using Xunit;

namespace EqPropActors.Core.Tests.Kernels;

/// <summary>
/// Checks the dense kernels against double-precision references (accuracy) and against scalar
/// float fma chains written straight from the determinism contract (bit-exactness), on the path this
/// process chose; <see cref="KernelPathTests"/> runs every supported path in turn.
/// </summary>
public class DenseKernelsTests
{
    /// <summary>Allowed error relative to the sum of the absolute values of all terms of an element.</summary>
    private const double RelativeTolerance = 1e-5;

    /// <summary>Extra columns beyond n (or k) in every leading dimension, filled with sentinels.</summary>
    private const int Padding = 16;

    public static TheoryData<int, int, int> ProductShapes()
    {
        var shapes = new TheoryData<int, int, int>();
        foreach (int rows in new[] { 1, 3, 20, 37 })
        {
            foreach (int k in new[] { 1, 7, 784 })
            {
                foreach (int n in new[] { 16, 32, 80, 112 })
                {
                    shapes.Add(rows, k, n);
                }
            }
        }

        return shapes;
    }

    [Theory]
    [MemberData(nameof(ProductShapes))]
    public void MultiplyAccumulate_MatchesDoublePrecisionProduct(int rows, int k, int n)
    {
        var random = new Random(rows * 1_000_003 + k * 1009 + n);
        int lda = RoundUp(k) + Padding, ldw = n + Padding, ldc = n + Padding;
        float[] a = RandomMatrix(random, rows, k, lda, float.NaN);
        float[] w = RandomMatrix(random, k, n, ldw, float.NaN);
        float[] c = RandomMatrix(random, rows, n, ldc, 123f);
        float[] original = (float[])c.Clone();

        DenseKernels.MultiplyAccumulate(a, lda, w, ldw, c, ldc, rows, k, n);

        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < n; j++)
            {
                double expected = original[r * ldc + j];
                double magnitude = Math.Abs(expected);
                for (int p = 0; p < k; p++)
                {
                    double term = (double)a[r * lda + p] * w[p * ldw + j];
                    expected += term;
                    magnitude += Math.Abs(term);
                }

                double actual = c[r * ldc + j];
                Assert.True(
                    Math.Abs(actual - expected) <= RelativeTolerance * magnitude,
                    $"c[{r},{j}] = {actual}, expected {expected} (magnitude {magnitude})");
            }

            AssertPaddingUntouched(c, original, r * ldc + n, ldc - n);
        }
    }

    [Theory]
    [MemberData(nameof(ProductShapes))]
    public void MultiplyAccumulate_IsBitIdenticalToScalarFmaChain(int rows, int k, int n)
    {
        var random = new Random(rows * 7919 + k * 31 + n);
        int lda = RoundUp(k) + Padding, ldw = n + Padding, ldc = n + Padding;
        float[] a = RandomMatrix(random, rows, k, lda, float.NaN);
        float[] w = RandomMatrix(random, k, n, ldw, float.NaN);
        float[] c = RandomMatrix(random, rows, n, ldc, 123f);
        float[] expected = (float[])c.Clone();
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = expected[r * ldc + j];
                for (int p = 0; p < k; p++)
                {
                    sum = MathF.FusedMultiplyAdd(a[r * lda + p], w[p * ldw + j], sum);
                }

                expected[r * ldc + j] = sum;
            }
        }

        DenseKernels.MultiplyAccumulate(a, lda, w, ldw, c, ldc, rows, k, n);

        AssertBitIdentical(expected, c);
    }

    [Theory]
    [MemberData(nameof(ProductShapes))]
    public void MultiplyAdd_FromASeparateInitialTermEqualsCopyThenAccumulate(int rows, int k, int n)
    {
        var random = new Random(rows * 13 + k * 7 + n);
        int lda = RoundUp(k) + Padding, ldw = n + Padding, ldc = n + Padding;
        float[] a = RandomMatrix(random, rows, k, lda, float.NaN);
        float[] w = RandomMatrix(random, k, n, ldw, float.NaN);
        float[] initial = RandomMatrix(random, rows, n, ldc, 7f);
        float[] expected = (float[])initial.Clone();
        DenseKernels.MultiplyAccumulate(a, lda, w, ldw, expected, ldc, rows, k, n);

        float[] c = RandomMatrix(random, rows, n, ldc, 7f); // whatever c held before must not matter
        float[] initialBefore = (float[])initial.Clone();
        DenseKernels.MultiplyAdd(a, lda, w, ldw, initial, ldc, c, ldc, rows, k, n);

        for (int r = 0; r < rows; r++)
            AssertBitIdentical(expected.AsSpan(r * ldc, n).ToArray(), c.AsSpan(r * ldc, n).ToArray());
        AssertBitIdentical(initialBefore, initial);
    }

    [Theory]
    [InlineData(20, 784, 512)]
    [InlineData(37, 500, 16)]
    [InlineData(20, 16, 112)]
    [InlineData(100, 7, 48)]
    public void MultiplyAccumulate_RowResultsDoNotDependOnWhichRowsAreComputedTogether(int rows, int k, int n)
    {
        var random = new Random(42);
        int lda = RoundUp(k), ldw = n, ldc = n;
        float[] a = RandomMatrix(random, rows, k, lda, 0f);
        float[] w = RandomMatrix(random, k, n, ldw, 0f);
        float[] initial = RandomMatrix(random, rows, n, ldc, 0f);

        float[] allAtOnce = (float[])initial.Clone();
        DenseKernels.MultiplyAccumulate(a, lda, w, ldw, allAtOnce, ldc, rows, k, n);

        float[] oneAtATime = (float[])initial.Clone();
        for (int r = 0; r < rows; r++)
        {
            DenseKernels.MultiplyAccumulate(
                a.AsSpan(r * lda, k), lda, w, ldw, oneAtATime.AsSpan(r * ldc, n), ldc, 1, k, n);
        }

        AssertBitIdentical(allAtOnce, oneAtATime);

        // Uneven slices (rows 5..9, then the rest in chunks of 7) hit every leftover block size.
        float[] sliced = (float[])initial.Clone();
        var chunks = new List<(int Start, int Count)>();
        int first = Math.Min(5, rows);
        chunks.Add((0, first));
        for (int start = first; start < rows;)
        {
            int count = Math.Min(start == 5 ? 5 : 7, rows - start);
            chunks.Add((start, count));
            start += count;
        }

        foreach ((int start, int count) in chunks)
        {
            DenseKernels.MultiplyAccumulate(
                a.AsSpan(start * lda), lda, w, ldw, sliced.AsSpan(start * ldc), ldc, count, k, n);
        }

        AssertBitIdentical(allAtOnce, sliced);
    }

    [Fact]
    public void MultiplyAccumulate_ZeroPaddingColumnsOfWStayZeroInC()
    {
        const int rows = 20, k = 500, n = 64, realColumns = 10;
        var random = new Random(7);
        float[] a = RandomMatrix(random, rows, k, k, 0f);
        float[] w = RandomMatrix(random, k, realColumns, n, 0f);
        float[] c = RandomMatrix(random, rows, realColumns, n, 0f);

        DenseKernels.MultiplyAccumulate(a, k, w, n, c, n, rows, k, n);

        for (int r = 0; r < rows; r++)
        {
            for (int j = realColumns; j < n; j++)
            {
                Assert.Equal(0f, c[r * n + j]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(ProductShapes))]
    public void ApplyOuterProductUpdate_MatchesDoublePrecisionGradient(int rows, int k, int n)
    {
        const float gradScale = -0.05f, momentum = 0.9f, learningRate = 0.3f;
        var random = new Random(rows * 31337 + k * 17 + n);
        int ldPre = RoundUp(k) + Padding, ldPost = n + Padding, ldw = n + Padding;
        float[] pre = RandomMatrix(random, rows, k, ldPre, float.NaN);
        float[] post = RandomMatrix(random, rows, n, ldPost, float.NaN);
        float[] w = RandomMatrix(random, k, n, ldw, 123f);
        float[] velocity = RandomMatrix(random, k, n, ldw, 456f);
        float[] originalW = (float[])w.Clone();
        float[] originalVelocity = (float[])velocity.Clone();

        DenseKernels.ApplyOuterProductUpdate(
            pre, ldPre, post, ldPost, rows, k, n, w, ldw, velocity, gradScale, momentum, learningRate);

        for (int p = 0; p < k; p++)
        {
            for (int j = 0; j < n; j++)
            {
                double gradient = 0, magnitude = 0;
                for (int b = 0; b < rows; b++)
                {
                    double term = (double)pre[b * ldPre + p] * post[b * ldPost + j];
                    gradient += term;
                    magnitude += Math.Abs(term);
                }

                int index = p * ldw + j;
                double expectedVelocity = momentum * (double)originalVelocity[index] + gradScale * gradient;
                double velocityMagnitude = Math.Abs(momentum * (double)originalVelocity[index]) + Math.Abs(gradScale) * magnitude;
                double expectedW = originalW[index] + learningRate * expectedVelocity;
                double wMagnitude = Math.Abs(originalW[index]) + learningRate * velocityMagnitude;
                Assert.True(
                    Math.Abs(velocity[index] - expectedVelocity) <= RelativeTolerance * velocityMagnitude,
                    $"v[{p},{j}] = {velocity[index]}, expected {expectedVelocity}");
                Assert.True(
                    Math.Abs(w[index] - expectedW) <= RelativeTolerance * wMagnitude,
                    $"w[{p},{j}] = {w[index]}, expected {expectedW}");
            }

            AssertPaddingUntouched(w, originalW, p * ldw + n, ldw - n);
            AssertPaddingUntouched(velocity, originalVelocity, p * ldw + n, ldw - n);
        }
    }

    [Theory]
    [MemberData(nameof(ProductShapes))]
    public void ApplyOuterProductUpdate_IsBitIdenticalToScalarSequence(int rows, int k, int n)
    {
        const float gradScale = 0.125f, momentum = 0.5f, learningRate = -0.01f;
        var random = new Random(rows * 101 + k * 103 + n);
        int ldPre = RoundUp(k) + Padding, ldPost = n + Padding, ldw = n + Padding;
        float[] pre = RandomMatrix(random, rows, k, ldPre, float.NaN);
        float[] post = RandomMatrix(random, rows, n, ldPost, float.NaN);
        float[] w = RandomMatrix(random, k, n, ldw, 123f);
        float[] velocity = RandomMatrix(random, k, n, ldw, 456f);
        float[] plainW = (float[])w.Clone();
        float[] expectedW = (float[])w.Clone();
        float[] expectedPlainW = (float[])w.Clone();
        float[] expectedVelocity = (float[])velocity.Clone();
        for (int p = 0; p < k; p++)
        {
            for (int j = 0; j < n; j++)
            {
                float gradient = 0f;
                for (int b = 0; b < rows; b++)
                {
                    gradient = MathF.FusedMultiplyAdd(pre[b * ldPre + p], post[b * ldPost + j], gradient);
                }

                int index = p * ldw + j;
                float scaled = gradScale * gradient;
                expectedPlainW[index] = MathF.FusedMultiplyAdd(learningRate, scaled, expectedPlainW[index]);
                expectedVelocity[index] = MathF.FusedMultiplyAdd(momentum, expectedVelocity[index], scaled);
                expectedW[index] = MathF.FusedMultiplyAdd(learningRate, expectedVelocity[index], expectedW[index]);
            }
        }

        DenseKernels.ApplyOuterProductUpdate(
            pre, ldPre, post, ldPost, rows, k, n, w, ldw, velocity, gradScale, momentum, learningRate);
        DenseKernels.ApplyOuterProductUpdate(
            pre, ldPre, post, ldPost, rows, k, n, plainW, ldw, Span<float>.Empty, gradScale, momentum, learningRate);

        AssertBitIdentical(expectedVelocity, velocity);
        AssertBitIdentical(expectedW, w);
        AssertBitIdentical(expectedPlainW, plainW);
    }

    [Theory]
    [InlineData(20, 784, 512, true)]
    [InlineData(20, 784, 512, false)]
    [InlineData(7, 80, 48, true)]
    [InlineData(37, 16, 112, false)]
    [InlineData(100, 512, 16, true)]
    public void ApplyOuterProductUpdate_TransposedReplicaStaysExactTranspose(int rows, int k, int n, bool withVelocity)
    {
        const float gradScale = 0.02f, momentum = 0.8f, learningRate = 0.7f;
        var random = new Random(k + n + rows);
        float[] w = RandomMatrix(random, k, n, n, 0f);
        float[] replica = Transpose(w, k, n);
        float[] velocity = withVelocity ? RandomMatrix(random, k, n, n, 0f) : [];
        float[] replicaVelocity = withVelocity ? Transpose(velocity, k, n) : [];

        for (int step = 0; step < 3; step++)
        {
            float[] below = RandomMatrix(random, rows, k, k, 0f);
            float[] above = RandomMatrix(random, rows, n, n, 0f);
            DenseKernels.ApplyOuterProductUpdate(
                below, k, above, n, rows, k, n, w, n, velocity, gradScale, momentum, learningRate);
            DenseKernels.ApplyOuterProductUpdate(
                above, n, below, k, rows, n, k, replica, k, replicaVelocity, gradScale, momentum, learningRate);

            AssertBitIdentical(Transpose(w, k, n), replica);
            AssertBitIdentical(Transpose(velocity, withVelocity ? k : 0, n), replicaVelocity);
        }
    }

    [Fact]
    public void ApplyOuterProductUpdate_ZeroPaddingColumnsStayZero()
    {
        const int rows = 20, k = 784, n = 512, realColumns = 500;
        var random = new Random(11);
        float[] pre = RandomMatrix(random, rows, k, k, 0f);
        float[] post = RandomMatrix(random, rows, realColumns, n, 0f);
        float[] w = RandomMatrix(random, k, realColumns, n, 0f);
        float[] velocity = RandomMatrix(random, k, realColumns, n, 0f);

        DenseKernels.ApplyOuterProductUpdate(pre, k, post, n, rows, k, n, w, n, velocity, 0.1f, 0.9f, 0.5f);
        DenseKernels.ApplyOuterProductUpdate(pre, k, post, n, rows, k, n, w, n, Span<float>.Empty, 0.1f, 0.9f, 0.5f);

        for (int p = 0; p < k; p++)
        {
            for (int j = realColumns; j < n; j++)
            {
                Assert.Equal(0f, w[p * n + j]);
                Assert.Equal(0f, velocity[p * n + j]);
            }
        }
    }

    [Fact]
    public void Kernels_RejectUnpaddedColumnsAndShortSpans()
    {
        float[] buffer = new float[64];
        Assert.Throws<ArgumentException>(() => DenseKernels.MultiplyAccumulate(buffer, 8, buffer, 8, buffer, 8, 1, 1, 8));
        Assert.Throws<ArgumentException>(() => DenseKernels.MultiplyAccumulate(buffer, 16, buffer, 16, buffer, 16, 5, 1, 16));
        Assert.Throws<ArgumentException>(() => DenseKernels.ApplyOuterProductUpdate(
            buffer, 16, buffer, 32, 1, 16, 32, buffer, 32, Span<float>.Empty, 1f, 0f, 1f));
        Assert.Throws<ArgumentException>(() => DenseKernels.ApplyOuterProductUpdate(
            buffer, 16, buffer, 16, 1, 2, 16, buffer, 16, new float[16], 1f, 0f, 1f));
    }

    [Fact]
    public void MeasureMatrixMultiplyGflops_ReturnsPositiveRate()
    {
        double gflops = DenseKernels.MeasureMatrixMultiplyGflops(size: 64, repetitions: 3);
        Assert.True(gflops > 0 && double.IsFinite(gflops), $"rate {gflops}");
    }

    private static int RoundUp(int count) => (count + 15) / 16 * 16;

    /// <summary>Random values in [-1, 1] for the first <paramref name="columns"/> of each row, the rest set to <paramref name="filler"/>.</summary>
    private static float[] RandomMatrix(Random random, int rows, int columns, int leadingDimension, float filler)
    {
        var matrix = new float[rows * leadingDimension];
        Array.Fill(matrix, filler);
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < columns; j++)
            {
                matrix[r * leadingDimension + j] = (float)(random.NextDouble() * 2 - 1);
            }
        }

        return matrix;
    }

    private static float[] Transpose(float[] matrix, int rows, int columns)
    {
        var transposed = new float[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < columns; j++)
            {
                transposed[j * rows + r] = matrix[r * columns + j];
            }
        }

        return transposed;
    }

    private static void AssertPaddingUntouched(float[] actual, float[] original, int start, int count)
    {
        for (int i = start; i < start + count; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(original[i]), BitConverter.SingleToInt32Bits(actual[i]));
        }
    }

    private static void AssertBitIdentical(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            int expectedBits = BitConverter.SingleToInt32Bits(expected[i]);
            int actualBits = BitConverter.SingleToInt32Bits(actual[i]);
            Assert.True(expectedBits == actualBits, $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}

using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Kernels;
using EqPropActors.Core.Network;
using Xunit;

namespace EqPropActors.Core.Tests.Kernels;

/// <summary>
/// Every kernel path this machine supports, run in this process on odd shapes (rows not a multiple of any block,
/// odd k, n of one to several blocks), against plain loops written from the determinism contract: one
/// MathF.FusedMultiplyAdd chain per element in increasing reduction index. Equality is bit for bit.
/// </summary>
public class KernelPathTests
{
    public static TheoryData<KernelPath> SupportedPaths()
    {
        var paths = new TheoryData<KernelPath>();
        foreach (var path in KernelSelection.SupportedPaths())
            paths.Add(path);
        return paths;
    }

    private static readonly (int Rows, int K, int N)[] OddShapes =
        [(1, 1, 16), (7, 13, 16), (9, 5, 48), (13, 33, 80), (20, 17, 112), (31, 63, 208), (37, 129, 16)];

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void MultiplyAdd_IsTheReferenceFmaChain_BitForBit(KernelPath path)
    {
        foreach (var (rows, k, n) in OddShapes)
        {
            var random = new Random(rows * 7919 + k * 31 + n);
            int lda = k + 3, ldw = n + 16, ldc = n + 32;
            float[] a = Random(random, rows * lda), w = Random(random, k * ldw), initial = Random(random, rows * ldc);
            float[] c = new float[rows * ldc];
            float[] expected = new float[rows * ldc];
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < n; j++)
                {
                    float sum = initial[r * ldc + j];
                    for (int p = 0; p < k; p++)
                        sum = MathF.FusedMultiplyAdd(a[r * lda + p], w[p * ldw + j], sum);
                    expected[r * ldc + j] = sum;
                }

            DenseKernels.MultiplyAdd(path, a, lda, w, ldw, initial, ldc, c, ldc, rows, k, n);

            AssertBitIdentical(expected, c, $"{path}, {rows}x{k}x{n}");
        }
    }

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void ApplyOuterProductUpdate_IsTheReferenceSequence_BitForBit(KernelPath path)
    {
        const float gradScale = -0.0625f, momentum = 0.9f, learningRate = 0.03f;
        foreach (var (rows, k, n) in OddShapes)
        {
            foreach (bool withMomentum in new[] { false, true })
            {
                var random = new Random(rows * 104729 + k * 131 + n);
                int ldPre = k + 5, ldPost = n + 16, ldw = n + 16;
                float[] pre = Random(random, rows * ldPre), post = Random(random, rows * ldPost);
                float[] w = Random(random, k * ldw), velocity = Random(random, k * ldw);
                float[] expectedW = (float[])w.Clone(), expectedVelocity = (float[])velocity.Clone();
                for (int p = 0; p < k; p++)
                    for (int j = 0; j < n; j++)
                    {
                        float gradient = 0f;
                        for (int b = 0; b < rows; b++)
                            gradient = MathF.FusedMultiplyAdd(pre[b * ldPre + p], post[b * ldPost + j], gradient);
                        float scaled = gradScale * gradient;
                        int i = p * ldw + j;
                        float step = scaled;
                        if (withMomentum)
                            step = expectedVelocity[i] = MathF.FusedMultiplyAdd(momentum, expectedVelocity[i], scaled);
                        expectedW[i] = MathF.FusedMultiplyAdd(learningRate, step, expectedW[i]);
                    }

                DenseKernels.ApplyOuterProductUpdate(path, pre, ldPre, post, ldPost, rows, k, n, w, ldw,
                    withMomentum ? velocity : Span<float>.Empty, gradScale, momentum, learningRate);

                AssertBitIdentical(expectedW, w, $"{path} w, {rows}x{k}x{n}, momentum {withMomentum}");
                AssertBitIdentical(expectedVelocity, velocity, $"{path} velocity, {rows}x{k}x{n}, momentum {withMomentum}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void Integrate_IsTheReferenceEulerStep_BitForBit(KernelPath path)
    {
        const int rows = 5, stride = 48;
        foreach (var form in new[] { DynamicsForm.Vf, DynamicsForm.RhoPrime })
            foreach (float beta in new[] { 0f, 0.5f })
            {
                var random = new Random(rows + (int)form * 10 + (int)(beta * 100));
                // States a little outside [0, 1] too, so that the clip and ρ' = 0 are exercised.
                float[] drive = Random(random, rows * stride), states = Random(random, rows * stride), targets = Random(random, rows * stride);
                float[] next = new float[rows * stride], norms = new float[rows];
                float[] expectedNext = new float[rows * stride], expectedNorms = new float[rows];
                var step = new IntegrationStep(rows, stride, 0.3f, beta, form, Activation.HardSigmoid);
                for (int r = 0; r < rows; r++)
                {
                    var partial = new float[Padding.Lanes];
                    for (int j = 0; j < stride; j++)
                    {
                        int i = r * stride + j;
                        float s = states[i], u = drive[i];
                        if (form == DynamicsForm.RhoPrime)
                            u *= s >= 0f && s <= 1f ? 1f : 0f;
                        float mu = u - s;
                        if (beta != 0f)
                            mu = MathF.FusedMultiplyAdd(beta, targets[i] - s, mu);
                        float n = MathF.Min(MathF.Max(MathF.FusedMultiplyAdd(0.3f, mu, s), 0f), 1f);
                        expectedNext[i] = n;
                        partial[j % Padding.Lanes] = MathF.FusedMultiplyAdd(n - s, n - s, partial[j % Padding.Lanes]);
                    }
                    var h = Enumerable.Range(0, 8).Select(i => partial[i] + partial[i + 8]).ToArray();
                    var q = Enumerable.Range(0, 4).Select(i => h[i] + h[i + 4]).ToArray();
                    expectedNorms[r] = (q[0] + q[1]) + (q[2] + q[3]);
                }

                GroupKernel.Integrate(path, step, drive, states, states, next, targets, norms);

                AssertBitIdentical(expectedNext, next, $"{path} next states, {form}, β {beta}");
                AssertBitIdentical(expectedNorms, norms, $"{path} step norms, {form}, β {beta}");
            }
    }

    /// <summary>The logistic's exp has no scalar twin to compare with, so the paths are compared with each other.</summary>
    [Fact]
    public void LogisticRatesAndTheirDerivativeStep_AreTheSameOnEveryPath()
    {
        const int rows = 3, stride = 32, size = 27;
        var random = new Random(5);
        float[] states = Random(random, rows * stride), drive = Random(random, rows * stride);
        float[]? firstRates = null, firstNext = null, firstNorms = null;
        foreach (var path in KernelSelection.SupportedPaths())
        {
            float[] rates = new float[rows * stride], next = new float[rows * stride], norms = new float[rows];
            GroupKernel.ComputeRates(path, Activation.Logistic, states, rates, rows, stride, size);
            GroupKernel.Integrate(path, new IntegrationStep(rows, stride, 0.2f, 0f, DynamicsForm.RhoPrime, Activation.Logistic),
                drive, states, rates, next, [], norms);
            if (firstRates is null)
            {
                (firstRates, firstNext, firstNorms) = (rates, next, norms);
                continue;
            }
            AssertBitIdentical(firstRates, rates, $"{path} logistic rates");
            AssertBitIdentical(firstNext!, next, $"{path} next states");
            AssertBitIdentical(firstNorms!, norms, $"{path} step norms");
        }
    }

    [Fact]
    public void TheFastestSupportedPathIsChosenWithoutTheVariable_AndScalarIsAlwaysSupported()
    {
        Assert.Equal(KernelSelection.SupportedPaths()[0], KernelSelection.Resolve(null));
        Assert.Equal(KernelSelection.SupportedPaths()[0], KernelSelection.Resolve(""));
        Assert.Contains(KernelPath.Scalar, KernelSelection.SupportedPaths());
        Assert.Equal(KernelPath.Scalar, KernelSelection.Resolve("Scalar"));
    }

    [Fact]
    public void AnUnknownPathName_IsRefusedNamingTheVariableAndTheChoices()
    {
        var e = Assert.Throws<ConfigurationException>(() => KernelSelection.Resolve("sse9"));
        Assert.Contains("EQPROP_KERNEL", e.Message);
        Assert.Contains("'sse9'", e.Message);
        Assert.Contains("avx512, avx2, vector128, scalar", e.Message);
    }

    [Fact]
    public void AnUnsupportedPath_IsRefused()
    {
        foreach (var path in Enum.GetValues<KernelPath>().Where(p => !KernelSelection.IsSupported(p)))
        {
            var e = Assert.Throws<ConfigurationException>(() => KernelSelection.Resolve(KernelSelection.Name(path)));
            Assert.Contains("does not support it", e.Message);
        }
    }

    private static float[] Random(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
            values[i] = (float)(random.NextDouble() * 2.4 - 1.2);
        return values;
    }

    private static void AssertBitIdentical(float[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: element {i} is {actual[i]:R}, expected {expected[i]:R}");
    }
}

using EqPropActors.Core.Kernels;
using Xunit;

namespace EqPropActors.Core.Tests.Kernels;

/// <summary>
/// Products split over two cores give the bits of one core, whoever computes the second half: the helper when it is
/// spinning, the caller when the helper is asleep (after a pause longer than its spin) and has not started yet.
/// </summary>
public class TwoCoreProductSchedulerTests
{
    [Fact]
    public void BackToBackAndAfterPauses_EveryProductAndUpdateIsTheSingleThreadedOne()
    {
        const int rows = 20, k = 784, n = 128; // 2 M multiply-adds: split
        var random = new Random(3);
        float[] a = Random(random, rows * k), w = Random(random, k * n), initial = Random(random, rows * n);
        float[] post = Random(random, rows * n);
        float[] wOne = (float[])w.Clone(), wTwo = (float[])w.Clone();
        float[] vOne = new float[k * n], vTwo = new float[k * n];
        using var two = new TwoCoreProductScheduler();
        var one = ProductScheduler.SingleThreaded;
        for (int i = 0; i < 60; i++)
        {
            if (i % 3 == 2)
                Thread.Sleep(1); // the helper blocks after 50 µs: the caller may take its half over
            float[] cOne = new float[rows * n], cTwo = new float[rows * n];
            one.MultiplyAdd(a, 0, k, wOne, n, initial, n, cOne, n, rows, k, n);
            two.MultiplyAdd(a, 0, k, wTwo, n, initial, n, cTwo, n, rows, k, n);
            Assert.Equal(cOne, cTwo);
            one.ApplyOuterProductUpdate(a, 0, k, post, n, rows, k, n, wOne, n, vOne, 0.01f, 0.9f, 0.1f);
            two.ApplyOuterProductUpdate(a, 0, k, post, n, rows, k, n, wTwo, n, vTwo, 0.01f, 0.9f, 0.1f);
        }
        Assert.Equal(wOne, wTwo);
        Assert.Equal(vOne, vTwo);
    }

    private static float[] Random(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
            values[i] = (float)(random.NextDouble() - 0.5);
        return values;
    }
}

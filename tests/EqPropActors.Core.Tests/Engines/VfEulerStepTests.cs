using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Tests.Engines;

/// <summary>
/// The VF form's Euler step at every vector width gives the bits of its scalar definition
/// s' = min(max(fma(dt, μ, s), 0), 1), μ = u − s [then fma(β, y − s, μ)], and the squared step norms of the general
/// 512-bit step it replaces.
/// </summary>
public sealed class VfEulerStepTests
{
    private const int Rows = 5, Stride = 48;

    // Widths in bits (the enum is internal to Core, test signatures are public).
    public static TheoryData<int, float> Widths()
    {
        var data = new TheoryData<int, float>();
        foreach (int bits in new[] { 512, 256, 128 })
            foreach (float beta in new[] { 0f, 0.5f, -0.7f })
                data.Add(bits, beta);
        return data;
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void EveryWidthGivesTheScalarDefinitionsStatesAndTheGeneralStepsNorms(int bits, float beta)
    {
        var width = (VfEulerStep.Width)bits;
        var (drive, states, targets) = RandomBuffers(seed: 11);
        var step = new IntegrationStep(Rows, Stride, 0.37f, beta, DynamicsForm.Vf, Activation.HardSigmoid);
        var next = new float[Rows * Stride];
        var norms = new float[Rows];
        VfEulerStep.Run(width, step, drive, states, next, targets, norms);

        var general = new float[Rows * Stride];
        var generalNorms = new float[Rows];
        GroupKernel.IntegrateGeneral(step, drive, states, states, general, targets, generalNorms);
        for (int i = 0; i < next.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(ScalarStep(drive[i], states[i], targets[i], step.Dt, beta)), BitConverter.SingleToInt32Bits(next[i]));
            Assert.Equal(BitConverter.SingleToInt32Bits(general[i]), BitConverter.SingleToInt32Bits(next[i]));
        }
        for (int r = 0; r < Rows; r++)
            Assert.Equal(BitConverter.SingleToInt32Bits(generalNorms[r]), BitConverter.SingleToInt32Bits(norms[r]));
        Assert.Contains(next, value => value is > 0f and < 1f);
        Assert.Contains(next, value => value is 0f or 1f); // the clip acted: drives outside [0, 1] are in the data
    }

    [Theory]
    [InlineData(512)]
    [InlineData(256)]
    [InlineData(128)]
    public void ANaNDriveShowsInTheStepNormInsteadOfBeingClippedAway(int bits)
    {
        var width = (VfEulerStep.Width)bits;
        var (drive, states, targets) = RandomBuffers(seed: 5);
        drive[2 * Stride + 29] = float.NaN;
        var norms = new float[Rows];
        VfEulerStep.Run(width, new IntegrationStep(Rows, Stride, 0.5f, 0f, DynamicsForm.Vf, Activation.HardSigmoid),
            drive, states, new float[Rows * Stride], targets, norms);
        Assert.True(float.IsNaN(norms[2]));
        Assert.All(norms.Where((_, r) => r != 2), norm => Assert.True(float.IsFinite(norm)));
    }

    [Fact]
    public void TooShortABufferIsRefused() =>
        Assert.Throws<ArgumentException>(() => VfEulerStep.Run(VfEulerStep.Width.Bits256,
            new IntegrationStep(Rows, Stride, 0.5f, 0f, DynamicsForm.Vf, Activation.HardSigmoid),
            new float[Rows * Stride], new float[Rows * Stride - 1], new float[Rows * Stride], [], []));

    /// <summary>The step as written before vectorisation, one element at a time (MathF.Max/Min propagate NaN like the vectors').</summary>
    private static float ScalarStep(float drive, float state, float target, float dt, float beta)
    {
        float mu = drive - state;
        if (beta != 0f)
            mu = MathF.FusedMultiplyAdd(beta, target - state, mu);
        return MathF.Min(MathF.Max(MathF.FusedMultiplyAdd(dt, mu, state), 0f), 1f);
    }

    private static (float[] Drive, float[] States, float[] Targets) RandomBuffers(int seed)
    {
        var random = new Random(seed);
        var drive = new float[Rows * Stride];
        var states = new float[Rows * Stride];
        var targets = new float[Rows * Stride];
        for (int i = 0; i < drive.Length; i++)
        {
            drive[i] = (float)(4 * random.NextDouble() - 2); // pushes some states beyond [0, 1]
            states[i] = (float)random.NextDouble();
            targets[i] = random.Next(2);
        }
        return (drive, states, targets);
    }
}

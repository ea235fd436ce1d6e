using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Tests.Engines;

/// <summary>
/// A drive computed by the receiver's only source, from its copy of the receiver's synapses, must be exactly the
/// drive the receiver computes itself: the synchronous engines promise the batch engine's results bit for bit.
/// </summary>
public sealed class DelegatedDriveTests
{
    [Theory]
    [InlineData(Activation.HardSigmoid, DynamicsForm.Vf)]
    [InlineData(Activation.Logistic, DynamicsForm.RhoPrime)]
    public void StepsWithTheSourcesDriveEqualStepsWithTheReceiversOwnBitForBit(Activation activation, DynamicsForm form)
    {
        var network = new NetworkSpec([12, 40, 7], activation, form);
        var hidden = network.GroupsOf(1)[0];
        var outputSpec = network.GroupsOf(2)[0];
        const int maxRows = 6, rows = 5;
        var random = new Random(3);
        NeuronGroup NewOutput()
        {
            var group = new NeuronGroup(network, outputSpec, maxRows, [0.1f, 0.1f]);
            var weights = group.Incoming[0].Weights;
            var rng = new Random(7); // the same synapses in both copies
            for (int i = 0; i < hidden.Size; i++)
                for (int j = 0; j < outputSpec.Size; j++)
                    weights[i * outputSpec.PaddedSize + j] = (float)(rng.NextDouble() - 0.5);
            for (int j = 0; j < outputSpec.Size; j++)
                group.Bias[j] = (float)(rng.NextDouble() - 0.5);
            var targets = new float[maxRows * outputSpec.PaddedSize];
            for (int r = 0; r < rows; r++)
                targets[r * outputSpec.PaddedSize + r % outputSpec.Size] = 1f;
            group.BeginMinibatch(rows, targets);
            group.PrepareConstantDrive();
            return group;
        }
        var own = NewOutput();
        var driven = NewOutput();
        var delegated = new DelegatedDrive(hidden, outputSpec, maxRows);
        delegated.Update(1, own.Incoming[0].Weights, own.Bias);

        for (int step = 0; step < 12; step++)
        {
            // Hidden rates of this step, padding columns zero as the source keeps them.
            var rates = new float[maxRows * hidden.PaddedSize];
            for (int r = 0; r < rows; r++)
                for (int i = 0; i < hidden.Size; i++)
                    rates[r * hidden.PaddedSize + i] = (float)random.NextDouble();
            float beta = step < 8 ? 0f : 0.6f;
            own.Incoming[0].SourceRates = rates;
            own.Step(0.4f, beta, measureStep: true);
            driven.StepWithDrive(delegated.Compute(rates, rows).AsSpan(0, rows * outputSpec.PaddedSize), 0.4f, beta, measureStep: true);

            Assert.Equal(Bits(own.States, rows * outputSpec.PaddedSize), Bits(driven.States, rows * outputSpec.PaddedSize));
            Assert.Equal(own.StepSquaredNorms.ToArray(), driven.StepSquaredNorms.ToArray());
        }
    }

    [Fact]
    public void TwoBuffersAlternateSoThatAReceiverCanStillReadThePreviousDrive()
    {
        var network = new NetworkSpec([12, 40, 7]);
        var drive = new DelegatedDrive(network.GroupsOf(1)[0], network.GroupsOf(2)[0], maxRows: 2);
        drive.Update(0, new float[40 * 16], new float[16]);
        var rates = new float[2 * 48];
        var first = drive.Compute(rates, 2);
        var second = drive.Compute(rates, 2);
        Assert.NotSame(first, second);
        Assert.Same(first, drive.Compute(rates, 2));
    }

    [Theory]
    [InlineData(new[] { 784, 500, 10 }, 1, 2, true)]   // the output of 784-500-10: 500 units feed 10
    [InlineData(new[] { 784, 500, 10 }, 1, 1, false)]  // layer 1 also sums the clamped input, which only it holds
    [InlineData(new[] { 784, 500, 10 }, 4, 2, false)]  // four sources: their contributions form one chain
    [InlineData(new[] { 784, 500, 500, 10 }, 1, 2, false)] // a middle layer has a source below and one above
    [InlineData(new[] { 784, 500, 500, 10 }, 1, 3, true)]
    [InlineData(new[] { 784, 12, 10 }, 1, 2, false)]   // 12 rates are narrower than a 16-wide padded drive
    public void AppliesOnlyWhereOneWiderSourceMakesTheWholeDrive(int[] layers, int groups, int layer, bool expected)
    {
        var network = new NetworkSpec(layers, groupsPerHiddenLayer: groups);
        Assert.Equal(expected, DelegatedDrive.Applies(network, network.GroupsOf(layer)[0]));
    }

    [Fact]
    public void SynapsesOfTheWrongShapeAreRefusedNamingTheReceiver()
    {
        var network = new NetworkSpec([12, 40, 7]);
        var drive = new DelegatedDrive(network.GroupsOf(1)[0], network.GroupsOf(2)[0], maxRows: 2);
        var error = Assert.Throws<ArgumentException>(() => drive.Update(1, new float[40 * 8], new float[16]));
        Assert.Contains(network.GroupsOf(2)[0].Name, error.Message);
        Assert.Equal(-1, drive.Version);
    }

    private static int[] Bits(float[] values, int length) => values.Take(length).Select(BitConverter.SingleToInt32Bits).ToArray();
}

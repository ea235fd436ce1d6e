using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Tests.Engines;

/// <summary>
/// A step in which only some neurons update (the async schedule's --update-prob): the others keep the state they
/// had, the updated ones take the full step, and the step length counts only the units that moved. Checked against
/// a full step of an identical group and a plain loop.
/// </summary>
public sealed class PartialStepTests
{
    [Fact]
    public void TheStepAgainstPhaseEndRatesIsTheStepTheGroupWouldTake()
    {
        // The fresh residual of an async phase: measured from the stored end state with the sources' end rates, it
        // must be exactly the step a real Step from there with those rates takes (the same kernel, bit for bit).
        var network = new NetworkSpec([12, 40, 7]);
        var hidden = network.GroupsOf(1)[0];
        var output = network.GroupsOf(2)[0];
        const int rows = 3;
        var group = new NeuronGroup(network, output, rows, [0.1f, 0.1f]);
        var rng = new Random(5);
        for (int i = 0; i < hidden.Size; i++)
            for (int j = 0; j < output.Size; j++)
                group.Incoming[0].Weights[i * output.PaddedSize + j] = (float)(rng.NextDouble() - 0.5);
        var targets = new float[rows * output.PaddedSize];
        targets[1] = 1f;
        group.BeginMinibatch(rows, targets);
        group.SetStates(Enumerable.Range(0, rows * output.PaddedSize).Select(i => i % output.PaddedSize < output.Size ? (float)rng.NextDouble() : 0f).ToArray());
        group.PrepareConstantDrive();
        group.EndPhase(PhaseSlot.Positive);
        var rates = new float[rows * hidden.PaddedSize];
        for (int i = 0; i < rates.Length; i++)
            rates[i] = i % hidden.PaddedSize < hidden.Size ? (float)rng.NextDouble() : 0f;
        var phaseRates = new float[PhaseSlot.Count * rows * hidden.PaddedSize];
        rates.CopyTo(phaseRates, PhaseSlot.Positive * rates.Length);
        group.Incoming[0].SourcePhaseRates = phaseRates;

        var measured = new float[rows];
        group.MeasureStepAgainstPhaseRates(PhaseSlot.Positive, 0.5f, 0.3f, measured);
        var statesBefore = group.States.AsSpan(0, rows * output.PaddedSize).ToArray();
        group.Incoming[0].SourceRates = rates;
        group.Step(0.5f, 0.3f, measureStep: true);

        Assert.Equal(group.StepSquaredNorms.ToArray(), measured);
        Assert.All(measured, m => Assert.True(m > 0));
        Assert.NotEqual(statesBefore, group.States.AsSpan(0, rows * output.PaddedSize).ToArray()); // the real step moved; the measurement did not
    }

    [Fact]
    public void UnitsNotUpdatedKeepTheirStateAndTheStepLengthCountsTheOthers()
    {
        var network = new NetworkSpec([12, 40, 7]);
        var hidden = network.GroupsOf(1)[0];
        var output = network.GroupsOf(2)[0];
        const int rows = 3;
        NeuronGroup NewOutput()
        {
            var group = new NeuronGroup(network, output, rows, [0.1f, 0.1f]);
            var rng = new Random(7);
            for (int i = 0; i < hidden.Size; i++)
                for (int j = 0; j < output.Size; j++)
                    group.Incoming[0].Weights[i * output.PaddedSize + j] = (float)(rng.NextDouble() - 0.5);
            group.BeginMinibatch(rows, new float[rows * output.PaddedSize]);
            group.SetStates(Enumerable.Range(0, rows * output.PaddedSize).Select(i => i % output.PaddedSize < output.Size ? 0.3f : 0f).ToArray());
            group.PrepareConstantDrive();
            var rates = new float[rows * hidden.PaddedSize];
            for (int i = 0; i < rates.Length; i++)
                rates[i] = i % hidden.PaddedSize < hidden.Size ? (float)rng.NextDouble() : 0f;
            group.Incoming[0].SourceRates = rates;
            return group;
        }
        var full = NewOutput();
        var partial = NewOutput();
        var before = partial.States.AsSpan(0, rows * output.PaddedSize).ToArray();
        var updated = Enumerable.Range(0, rows * output.PaddedSize).Select(i => i % 3 != 0).ToArray();

        full.Step(0.5f, 0f, measureStep: true);
        partial.Step(0.5f, 0f, measureStep: true);
        partial.KeepStepOf(updated);

        for (int r = 0; r < rows; r++)
        {
            double squared = 0;
            for (int j = 0; j < output.Size; j++)
            {
                int i = r * output.PaddedSize + j;
                float expected = updated[i] ? full.States[i] : before[i];
                Assert.Equal(expected, partial.States[i]);
                squared += (double)(expected - before[i]) * (expected - before[i]);
            }
            Assert.True(squared > 0, "the updated units should have moved");
            Assert.Equal(squared, partial.StepSquaredNorms[r], 1e-6);
        }
    }
}

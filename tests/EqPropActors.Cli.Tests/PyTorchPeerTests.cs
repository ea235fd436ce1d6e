using EqPropActors.Cli.Bench;
using EqPropActors.Core.Checkpoints;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;
using Xunit.Abstractions;

namespace EqPropActors.Cli.Tests;

/// <summary>
/// The PyTorch peer computes what the batch engine computes: from the same weights and minibatch, one training
/// minibatch (free phase, nudged phase, VF update) gives the same weights to float32 rounding. Skipped where no
/// Python can import torch.
/// </summary>
public sealed class PyTorchPeerTests(ITestOutputHelper output) : IDisposable
{
    private const int Rows = 20, FreeSteps = 20, NudgedSteps = 4;
    private const float Dt = 0.5f, Beta = 0.5f;
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [SkippableTheory]
    [InlineData(new[] { 784, 500, 10 }, new[] { 0.1f, 0.05f })]
    [InlineData(new[] { 784, 40, 30, 10 }, new[] { 0.4f, 0.1f, 0.01f })]
    public void OneMinibatchGivesOurWeights(int[] layers, float[] learningRates)
    {
        var peer = PyTorchPeer.Find(out string whyNot);
        Skip.If(peer is null, whyNot);

        var network = new NetworkSpec(layers);
        var initial = WeightInitializer.Create(layers, 90, seed: 4);
        var random = new Random(4);
        for (int l = 1; l < layers.Length; l++) // biases away from zero, so that the hidden units are neither silent nor saturated
            for (int j = 0; j < layers[l]; j++)
                initial.Bias[l][j] = (float)(0.4 * random.NextDouble() - 0.1);
        var batch = Minibatch.Random(network, Rows, seed: 4);
        using var engine = new BatchEngine(network, Rows, learningRates);
        engine.LoadParameters(initial, null);
        engine.Run(batch, MinibatchPlan.Training(FreeSteps, NudgedSteps, new RuleApplication(LearningRule.Vf, Beta, false, 0f)), Dt, 1e-3f);
        var ours = engine.ExportWeights();

        string input = _directory.File("minibatch.npz"), updated = _directory.File("updated.npz");
        NpzArchive.Write(input, [
            new NpyArray("x", [Rows, layers[0]], Unpadded(batch.Inputs, batch.InputStride, layers[0])),
            new NpyArray("y", [Rows, layers[^1]], Unpadded(batch.Targets, batch.TargetStride, layers[^1])),
            .. initial.Tensors().Select(t => t.Name.StartsWith('b') ? new NpyArray(t.Name, [t.Columns], t.Values) : new NpyArray(t.Name, [t.Rows, t.Columns], t.Values)),
            NpyArray.Scalar("T1", FreeSteps), NpyArray.Scalar("T2", NudgedSteps), NpyArray.Scalar("dt", Dt), NpyArray.Scalar("beta", Beta),
            new NpyArray("lrs", [learningRates.Length], learningRates),
        ]);
        peer!.Check(input, updated);
        var theirs = NpzArchive.Read(updated);

        double largestDifference = 0, largestChange = 0;
        foreach (var ((name, values, _, _), (_, before, _, _)) in ours.Tensors().Zip(initial.Tensors()))
        {
            var peerValues = (float[])theirs[name].Data;
            Assert.Equal(values.Length, peerValues.Length);
            for (int i = 0; i < values.Length; i++)
            {
                largestDifference = Math.Max(largestDifference, Math.Abs(values[i] - peerValues[i]));
                largestChange = Math.Max(largestChange, Math.Abs(values[i] - before[i]));
            }
        }
        output.WriteLine($"{string.Join('-', layers)}: largest difference {largestDifference:G3}, largest change {largestChange:G3} (torch {peer.TorchVersion})");
        Assert.True(largestChange > 1e-3, $"the update should move some weight visibly (largest change {largestChange:G3})");
        Assert.True(largestDifference < 1e-5, $"largest difference between our weights and the peer's: {largestDifference:G3}");
    }

    [Fact]
    public void WithoutAnInterpreterThatImportsTorchTheMessageSaysWhatWasTriedAndWhatToInstall()
    {
        string missing = _directory.File("no-such-python");
        Assert.Null(PyTorchPeer.Find([missing], out string whyNot));
        Assert.Contains(missing, whyNot);
        Assert.Contains("apt-get install -y python3-torch libopenblas0-pthread", whyNot);
        Assert.Contains("$EQPROP_PYTHON", whyNot);
    }

    private static float[] Unpadded(float[] padded, int stride, int columns)
    {
        var values = new float[Rows * columns];
        for (int r = 0; r < Rows; r++)
            padded.AsSpan(r * stride, columns).CopyTo(values.AsSpan(r * columns));
        return values;
    }
}

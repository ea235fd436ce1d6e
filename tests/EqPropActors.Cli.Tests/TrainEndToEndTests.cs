using System.Text.Json;
using EqPropActors.Core.Checkpoints;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Tests;

/// <summary><c>eqprop train --out DIR</c> runs and leaves a complete, readable run folder.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class TrainEndToEndTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Train_WritesEveryFileOfTheRunFolder()
    {
        string run = _directory.File("run"); // does not exist yet: train must create it
        var result = CliRunner.RunOk(CliRunner.Train("--seed", "7", "--validation", "50", "--out", run));

        Assert.Equal(
            ["best.npz", "checkpoint.npz", "config.json", "learning_curves.png", "loss_curves.png", "metrics.csv", "results.json", "weight_angles.png"],
            Directory.GetFiles(run).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray());
        Assert.Contains(run, result.Flat);

        // config.json
        using (var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(run, RunDirectory.ConfigFile))))
        {
            var root = config.RootElement;
            Assert.Equal([784, 32, 10], root.GetProperty("layers").EnumerateArray().Select(e => e.GetInt32()).ToArray());
            Assert.Equal(7, root.GetProperty("seed").GetInt32());
            Assert.Equal("vf", root.GetProperty("rule").GetString(), ignoreCase: true);
            Assert.Equal(2, root.GetProperty("epochs").GetInt32());
            Assert.Equal(200, root.GetProperty("train-samples").GetInt32());
            Assert.Equal(50, root.GetProperty("validation").GetInt32());
            Assert.Equal(20, root.GetProperty("batch-size").GetInt32());
            Assert.Equal("hard-sigmoid", root.GetProperty("activation").GetString());
            Assert.Equal(40, root.GetProperty("T1").GetInt32());
        }

        // metrics.csv: a header and one row per epoch, every cell a finite number, except the residual against fresh
        // neighbour states, which only the async schedule measures, and the gradient probe's columns, written only
        // with --probe-gradient-every (empty here, as pandas reads a missing value)
        var (header, rows) = RunFolder.Metrics(run);
        int fresh = Array.IndexOf(header, "fresh_residual");
        Assert.True(fresh >= 0, "metrics.csv has a fresh_residual column");
        int[] empty = [fresh, .. header.Select((name, c) => name.StartsWith("probe_", StringComparison.Ordinal) ? c : -1).Where(c => c >= 0)];
        Assert.Equal(["probe_angle_pair1_deg", "probe_angle_pair2_deg", "probe_jacobian_asymmetry"], empty[1..].Select(c => header[c]));
        Assert.All(rows, row => Assert.All(empty, c => Assert.Equal("", row[c])));
        (header, rows) = (header.Where((_, c) => !empty.Contains(c)).ToArray(), rows.Select(row => row.Where((_, c) => !empty.Contains(c)).ToArray()).ToArray());
        Assert.Equal(["epoch", "train_error", "train_loss", "test_error", "test_loss", "val_error", "val_loss"], header[..7]);
        Assert.Contains("samples_per_second", header);
        Assert.Equal(2, rows.Length);
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(header.Length, rows[i].Length);
            var numbers = rows[i].Select(RunFolder.Number).ToArray();
            Assert.All(numbers, n => Assert.True(double.IsFinite(n), $"row {i + 1}: {string.Join(',', rows[i])}"));
            Assert.Equal(i + 1, numbers[0]);
            Assert.InRange(numbers[Array.IndexOf(header, "train_error")], 0, 1);
            Assert.InRange(numbers[Array.IndexOf(header, "test_error")], 0, 1);
        }

        // results.json agrees with the last epoch
        using (var results = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(run, RunDirectory.ResultsFile))))
        {
            var root = results.RootElement;
            Assert.Equal(RunFolder.Number(rows[^1][Array.IndexOf(header, "test_error")]), root.GetProperty("test_error").GetDouble());
            Assert.Equal(RunFolder.Number(rows[^1][Array.IndexOf(header, "train_error")]), root.GetProperty("train_error").GetDouble());
            Assert.Equal(2, root.GetProperty("epochs_completed").GetInt32());
            Assert.Equal("completed", root.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.Null, root.GetProperty("reason").ValueKind);
            Assert.True(root.GetProperty("train_seconds").GetDouble() > 0);
            Assert.True(root.GetProperty("samples_per_second").GetDouble() > 0);
            // The best epoch is the one with the lowest validation error (the first of equals), never chosen on test.
            var validationErrors = rows.Select(r => RunFolder.Number(r[Array.IndexOf(header, "val_error")])).ToArray();
            int bestEpoch = root.GetProperty("best_epoch").GetInt32();
            Assert.Equal(Array.IndexOf(validationErrors, validationErrors.Min()) + 1, bestEpoch);
            Assert.Equal(validationErrors.Min(), root.GetProperty("best_val_error").GetDouble());

            // checkpoints: NumPy layout, unpadded shapes
            var last = NpzArchive.Read(Path.Combine(run, RunDirectory.CheckpointFile));
            AssertShapes(last);
            Assert.Equal(2, last["completed_epochs"].ScalarValue<int>());
            Assert.Equal(7, last["seed"].ScalarValue<int>());
            var best = NpzArchive.Read(Path.Combine(run, RunDirectory.BestCheckpointFile));
            AssertShapes(best);
            Assert.Equal(bestEpoch, best["completed_epochs"].ScalarValue<int>());
        }

        // plots
        foreach (var png in new[] { "learning_curves.png", "loss_curves.png", "weight_angles.png" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(run, png));
            Assert.True(bytes.Length > 1000, $"{png} has only {bytes.Length} bytes");
            Assert.Equal(RunFolder.PngSignature, bytes[..8]);
        }
    }

    private static void AssertShapes(NpzArchive archive)
    {
        Assert.Equal([3], archive["layer_sizes"].Shape);
        Assert.Equal([784, 32, 10], archive["layer_sizes"].AsInt32());
        Assert.Equal([784, 32], archive["Wff1"].Shape);
        Assert.Equal([10, 32], archive["Wfb1"].Shape);
        Assert.Equal([32], archive["b1"].Shape);
        Assert.Equal([32, 10], archive["Wff2"].Shape);
        Assert.Equal([10], archive["b2"].Shape);
        Assert.All(archive.Arrays.Where(a => a.DType == NpyDType.Float32),
            a => Assert.True(a.AsFloat32().All(float.IsFinite), $"{archive.Path}: {a.Name} is not finite"));
    }
}

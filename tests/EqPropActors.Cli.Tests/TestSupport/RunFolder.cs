using System.Globalization;
using EqPropActors.Core.Checkpoints;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Tests;

/// <summary>Reads back the files of a run folder.</summary>
public static class RunFolder
{
    public static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Every float32 array of a checkpoint (weights, biases, velocities) by name.</summary>
    public static SortedDictionary<string, float[]> FloatArrays(string npzPath) =>
        new(NpzArchive.Read(npzPath).Arrays.Where(a => a.DType == NpyDType.Float32).ToDictionary(a => a.Name, a => a.AsFloat32()),
            StringComparer.Ordinal);

    public static SortedDictionary<string, float[]> CheckpointWeights(string runDirectory) =>
        FloatArrays(Path.Combine(runDirectory, RunDirectory.CheckpointFile));

    /// <summary>Bit-for-bit comparison (so that NaN == NaN and +0 != −0).</summary>
    public static bool BitIdentical(float[] a, float[] b) =>
        a.Length == b.Length && a.Zip(b).All(p => BitConverter.SingleToInt32Bits(p.First) == BitConverter.SingleToInt32Bits(p.Second));

    public static string DescribeDifference(IDictionary<string, float[]> a, IDictionary<string, float[]> b)
    {
        if (!a.Keys.SequenceEqual(b.Keys))
            return $"arrays differ: [{string.Join(',', a.Keys)}] vs [{string.Join(',', b.Keys)}]";
        foreach (var name in a.Keys)
        {
            if (a[name].Length != b[name].Length)
                return $"{name}: length {a[name].Length} vs {b[name].Length}";
            for (int i = 0; i < a[name].Length; i++)
                if (BitConverter.SingleToInt32Bits(a[name][i]) != BitConverter.SingleToInt32Bits(b[name][i]))
                    return $"{name}[{i}]: {a[name][i].ToString("R", CultureInfo.InvariantCulture)} vs {b[name][i].ToString("R", CultureInfo.InvariantCulture)}";
        }
        return "identical";
    }

    /// <summary>metrics.csv as a header and rows of cells.</summary>
    public static (string[] Header, string[][] Rows) Metrics(string runDirectory)
    {
        var lines = File.ReadAllLines(Path.Combine(runDirectory, RunDirectory.MetricsFile)).Where(l => l.Length > 0).ToArray();
        Assert.NotEmpty(lines);
        return (lines[0].Split(','), lines.Skip(1).Select(l => l.Split(',')).ToArray());
    }

    public static double Number(string cell) => double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture);
}

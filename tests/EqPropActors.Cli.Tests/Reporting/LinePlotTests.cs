using System.Buffers.Binary;
using EqPropActors.Cli.Reporting;

namespace EqPropActors.Cli.Tests.Reporting;

public sealed class LinePlotTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void SavePng_WritesAPngOfTheRequestedSize()
    {
        var path = _directory.File("training.png");
        var epochs = Enumerable.Range(1, 30).Select(epoch => (double)epoch).ToArray();
        var trainLoss = epochs.Select(epoch => 2.3 * Math.Exp(-epoch / 8) + 0.1).ToArray();
        var testLoss = epochs.Select(epoch => 2.3 * Math.Exp(-epoch / 10) + 0.2).ToArray();

        LinePlot.SavePng(path, "EqProp training", "epoch", "loss", epochs,
            [("train loss", trainLoss), ("test loss", testLoss)], width: 640, height: 400);

        var png = File.ReadAllBytes(path);
        Assert.Equal(PngSignature, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(640, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(400, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.Equal(["training.png"], _directory.FileNames());
        CopyForInspection(path);
    }

    [Fact]
    public void SavePng_RefusesASeriesOfTheWrongLengthAndWritesNothing()
    {
        var path = _directory.File("bad.png");

        var thrown = Assert.Throws<ArgumentException>(() => LinePlot.SavePng(path, "t", "x", "y", [1.0, 2.0, 3.0],
            [("short", [1.0, 2.0])]));

        Assert.Contains("Series 'short' has 2 y values but there are 3 x values", thrown.Message);
        Assert.Empty(_directory.FileNames());
    }

    // Lets a person look at the rendered plot after a run; set EQPROP_PLOT_INSPECTION_DIR to enable.
    private static void CopyForInspection(string path)
    {
        var inspectionDirectory = Environment.GetEnvironmentVariable("EQPROP_PLOT_INSPECTION_DIR");
        if (!string.IsNullOrEmpty(inspectionDirectory))
        {
            File.Copy(path, Path.Combine(inspectionDirectory, Path.GetFileName(path)), overwrite: true);
        }
    }
}

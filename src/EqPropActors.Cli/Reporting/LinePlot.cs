using EqPropActors.Core.Checkpoints;
using ScottPlot;

namespace EqPropActors.Cli.Reporting;

/// <summary>Line charts of training curves (loss, accuracy per epoch) saved as PNG files.</summary>
public static class LinePlot
{
    public static void SavePng(
        string path,
        string title,
        string xLabel,
        string yLabel,
        IReadOnlyList<double> x,
        IReadOnlyList<(string Label, IReadOnlyList<double> Y)> series,
        int width = 800,
        int height = 500)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (series.Count == 0)
        {
            throw new ArgumentException("A plot needs at least one series.", nameof(series));
        }

        var xValues = x.ToArray();
        foreach (var (label, y) in series)
        {
            if (y.Count != xValues.Length)
            {
                throw new ArgumentException(
                    $"Series '{label}' has {y.Count} y values but there are {xValues.Length} x values.", nameof(series));
            }
        }

        using var plot = new Plot();
        plot.Font.Set(PlotFont.SansFamily);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        foreach (var (label, y) in series)
        {
            plot.Add.ScatterLine(xValues, y.ToArray()).LegendText = label;
        }
        // Outside the data area, so the legend never hides a curve, wherever the curves go.
        plot.ShowLegend(Edge.Right);

        // Rendered in memory first so a failed render never replaces an existing plot with a broken file.
        var png = plot.GetImageBytes(width, height, ImageFormat.Png);
        AtomicFile.WriteAllBytes(path, png);
    }
}

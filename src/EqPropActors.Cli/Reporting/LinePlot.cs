using ScottPlot;

namespace EqPropActors.Cli.Reporting;

/// <summary>Line charts of training curves (loss, accuracy per epoch) saved as PNG files.</summary>
public static class LinePlot
{
    /// <summary>
    /// One line per series over the shared <paramref name="x"/>. A NaN in a series is a point without a value (an epoch
    /// without validation, say): the line skips it. <paramref name="integerXTicks"/> suits epoch axes;
    /// <paramref name="markers"/> marks each point, so that few epochs still read as measurements, not as a trend.
    /// </summary>
    public static void SavePng(
        string path,
        string title,
        string xLabel,
        string yLabel,
        IReadOnlyList<double> x,
        IReadOnlyList<(string Label, IReadOnlyList<double> Y)> series,
        int width = 800,
        int height = 500,
        bool integerXTicks = false,
        bool markers = false)
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

        using var plot = PlotCanvas.Create(title, xLabel, yLabel);
        for (int s = 0; s < series.Count; s++)
        {
            var (label, y) = series[s];
            int[] present = Enumerable.Range(0, xValues.Length).Where(i => !double.IsNaN(y[i])).ToArray();
            var line = plot.Add.ScatterLine(present.Select(i => xValues[i]).ToArray(), present.Select(i => y[i]).ToArray(), PlotCanvas.ColorOf(s));
            line.LegendText = label;
            line.MarkerSize = markers ? 6 : 0;
        }
        if (integerXTicks)
            PlotCanvas.UseIntegerTicks(plot.Axes.Bottom);
        // Outside the data area, so the legend never hides a curve, wherever the curves go.
        plot.ShowLegend(Edge.Right);

        PlotCanvas.SavePng(plot, path, width, height);
    }
}

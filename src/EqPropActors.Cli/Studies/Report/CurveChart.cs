using EqPropActors.Cli.Reporting;
using ScottPlot;

namespace EqPropActors.Cli.Studies.Report;

/// <summary>Per condition, the mean of a per-epoch column with markers and its 95 % CI as a shaded band.</summary>
public static class CurveChart
{
    public static void SavePng(string path, string title, string yLabel, MetricUnit unit, IReadOnlyList<(EpochCurve Curve, int ColorIndex)> curves,
        int width = 1000, int height = 600)
    {
        using var plot = PlotCanvas.Create(title, "epoch", yLabel);
        foreach (var (curve, colorIndex) in curves)
        {
            var color = PlotCanvas.ColorOf(colorIndex);
            // The band exists only where at least two runs reached the epoch.
            int[] banded = Enumerable.Range(0, curve.Epochs.Length).Where(i => double.IsFinite(curve.PerEpoch[i].CiLow)).ToArray();
            if (banded.Length > 0)
            {
                var band = plot.Add.FillY(banded.Select(i => (double)curve.Epochs[i]).ToArray(),
                    banded.Select(i => curve.PerEpoch[i].CiLow * unit.Scale).ToArray(),
                    banded.Select(i => curve.PerEpoch[i].CiHigh * unit.Scale).ToArray());
                band.FillColor = color.WithAlpha(0.18);
                band.LineWidth = 0;
            }
            var mean = plot.Add.ScatterLine(curve.Epochs.Select(e => (double)e).ToArray(),
                curve.PerEpoch.Select(s => s.Mean * unit.Scale).ToArray(), color);
            mean.MarkerSize = 6;
            mean.LineWidth = 2;
            mean.LegendText = curve.Condition;
        }
        PlotCanvas.UseIntegerTicks(plot.Axes.Bottom);
        plot.ShowLegend(Edge.Right);
        PlotCanvas.SavePng(plot, path, width, height);
    }
}

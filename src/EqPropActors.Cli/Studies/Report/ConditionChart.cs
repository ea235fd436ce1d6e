using EqPropActors.Cli.Reporting;
using EqPropActors.Core.Statistics;
using ScottPlot;

namespace EqPropActors.Cli.Studies.Report;

/// <summary>A condition's figures for the chart: its summary, its seeds' values, the values of its diverged runs that have one
/// and how many runs diverged.</summary>
public sealed record ConditionPoints(string Name, SampleSummary Statistics, double[] SeedValues, double[] DivergedValues, int DivergedRuns);

/// <summary>
/// A metric across conditions: each condition's mean with its 95 % CI as an error bar, every seed as a small dot beside
/// it (so the spread and any outlier stay visible), diverged runs as red crosses, and the baseline mean as a dashed line.
/// </summary>
public static class ConditionChart
{
    private const double DotOffset = 0.18;

    public static void SavePng(string path, string title, string yLabel, MetricUnit unit, IReadOnlyList<ConditionPoints> conditions,
        double baselineMean, int width = 1000, int height = 600)
    {
        using var plot = PlotCanvas.Create(title, "condition", yLabel);
        double[] positions = Enumerable.Range(0, conditions.Count).Select(i => (double)i).ToArray();

        var seedDots = conditions.SelectMany((c, i) => c.SeedValues.Select((v, k) => new Coordinates(i + Spread(k, c.SeedValues.Length), v * unit.Scale))).ToArray();
        if (seedDots.Length > 0)
            plot.Add.Markers(seedDots, MarkerShape.FilledCircle, 5, Colors.Gray.WithAlpha(0.8)).LegendText = "seed";

        int[] withMean = Enumerable.Range(0, conditions.Count).Where(i => conditions[i].Statistics.N > 0).ToArray();
        var means = plot.Add.Markers(withMean.Select(i => positions[i]).ToArray(),
            withMean.Select(i => conditions[i].Statistics.Mean * unit.Scale).ToArray(), MarkerShape.FilledSquare, 9, Colors.Black);
        means.LegendText = "mean ± 95 % CI";
        int[] withInterval = withMean.Where(i => double.IsFinite(conditions[i].Statistics.CiHigh)).ToArray();
        if (withInterval.Length > 0)
        {
            var bars = plot.Add.ErrorBar(withInterval.Select(i => positions[i]).ToArray(),
                withInterval.Select(i => conditions[i].Statistics.Mean * unit.Scale).ToArray(),
                withInterval.Select(i => (conditions[i].Statistics.CiHigh - conditions[i].Statistics.Mean) * unit.Scale).ToArray());
            bars.Color = Colors.Black;
            bars.LineWidth = 2;
            bars.CapSize = 10;
        }
        if (double.IsFinite(baselineMean))
        {
            var line = plot.Add.HorizontalLine(baselineMean * unit.Scale, 1, Colors.Black.WithAlpha(0.5), LinePattern.Dashed);
            line.LegendText = "baseline mean";
        }

        var (low, high) = Range(conditions, unit);
        AddDiverged(plot, conditions, unit, low, high);
        LabelConditions(plot, positions, conditions.Select(Label).ToArray(), width);
        plot.Axes.SetLimits(-0.6, conditions.Count - 0.4, low, high);
        plot.ShowLegend(Edge.Right);
        PlotCanvas.SavePng(plot, path, width, height);
    }

    /// <summary>
    /// The y range of the completed runs (seeds and intervals). A diverged run (say 90 % error) would otherwise squeeze
    /// every real difference into a few pixels; it is drawn at the edge instead, with its value written beside it.
    /// </summary>
    private static (double Low, double High) Range(IReadOnlyList<ConditionPoints> conditions, MetricUnit unit)
    {
        var values = conditions.SelectMany(c => c.SeedValues.Concat([c.Statistics.CiLow, c.Statistics.CiHigh, c.Statistics.Mean]))
            .Where(double.IsFinite).Select(v => v * unit.Scale).ToArray();
        if (values.Length == 0)
            values = conditions.SelectMany(c => c.DivergedValues).Select(v => v * unit.Scale).DefaultIfEmpty(0).ToArray();
        double min = values.Min(), max = values.Max(), pad = Math.Max((max - min) * 0.15, Math.Max(Math.Abs(max) * 0.01, 1e-9));
        return (min - pad, max + pad);
    }

    private static void AddDiverged(Plot plot, IReadOnlyList<ConditionPoints> conditions, MetricUnit unit, double low, double high)
    {
        var points = conditions.SelectMany((c, i) => c.DivergedValues.Select(v => (X: i + DotOffset, Y: v * unit.Scale))).ToArray();
        if (points.Length == 0)
            return;
        double margin = (high - low) * 0.03;
        var shown = points.Select(p => new Coordinates(p.X, Math.Clamp(p.Y, low + margin, high - margin))).ToArray();
        plot.Add.Markers(shown, MarkerShape.Eks, 10, Colors.Red).LegendText = "diverged run (not in mean)";
        foreach (var (point, at) in points.Zip(shown).Where(p => p.First.Y != p.Second.Y))
        {
            // Left of the cross: on the right the text would run past the last condition out of the data area.
            var label = plot.Add.Text($"diverged: {unit.Value(point.Y / unit.Scale)}", at.X - 0.05, at.Y);
            label.LabelFontColor = Colors.Red;
            label.LabelFontSize = 12;
            label.LabelAlignment = Alignment.MiddleRight;
        }
    }

    /// <summary>The name and how many runs the mean has, and how many diverged, so a short bar from few seeds shows.</summary>
    private static string Label(ConditionPoints c) =>
        c.Name + $"\nn = {c.Statistics.N}" + (c.DivergedRuns > 0 ? $", {c.DivergedRuns} diverged" : "");

    /// <summary>Seeds side by side right of the mean, so that equal values do not hide each other.</summary>
    private static double Spread(int seedIndex, int seeds) => DotOffset + (seeds <= 1 ? 0 : 0.12 * (seedIndex / (seeds - 1.0) - 0.5));

    private static void LabelConditions(Plot plot, double[] positions, string[] names, int width)
    {
        plot.Axes.Bottom.SetTicks(positions, names);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        // Names wider than their slot (about 7 px a character; the data area is about two thirds of the image) would
        // overlap side by side; slanted, each keeps its own room.
        int longestLine = names.SelectMany(n => n.Split('\n')).Max(line => line.Length);
        if (longestLine * 7.0 > 0.65 * width / names.Length)
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = 30;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
            plot.Axes.Bottom.MinimumSize = 20 + 6.5f * longestLine;
        }
    }
}

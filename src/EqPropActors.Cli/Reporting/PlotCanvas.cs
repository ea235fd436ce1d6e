using EqPropActors.Core.Checkpoints;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace EqPropActors.Cli.Reporting;

/// <summary>What every plot of the project shares: the font, colours per series, integer epoch ticks and the atomic
/// PNG write.</summary>
internal static class PlotCanvas
{
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    public static Plot Create(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }

    /// <summary>The colour of the i-th series (or condition), the same in every plot of a report.</summary>
    public static Color ColorOf(int index) => Palette.GetColor(index);

    /// <summary>Epochs are whole numbers; "2.5" on an epoch axis would only mislead.</summary>
    public static void UseIntegerTicks(IAxis axis)
    {
        axis.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        axis.MinorTickStyle.Length = 0;
    }

    public static void SavePng(Plot plot, string path, int width, int height)
    {
        // Set last, so that it also reaches the tick labels and legend entries added after Create.
        plot.Font.Set(PlotFont.SansFamily);
        // Rendered in memory first so a failed render never replaces an existing plot with a broken file.
        var png = plot.GetImageBytes(width, height, ImageFormat.Png);
        AtomicFile.WriteAllBytes(path, png);
    }
}

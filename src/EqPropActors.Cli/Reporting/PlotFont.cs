using SkiaSharp;

namespace EqPropActors.Cli.Reporting;

/// <summary>
/// Picks the font family for plot text. The self-contained Linux Skia build
/// (SkiaSharp.NativeAssets.Linux.NoDependencies) does not use fontconfig: it scans /usr/share/fonts
/// itself and answers unknown names such as ScottPlot's default "Segoe UI" or "sans-serif" with an
/// arbitrary family (DejaVu Serif on Debian), and with no fonts at all it draws plots without any text.
/// </summary>
internal static class PlotFont
{
    private static readonly string[] PreferredSansFamilies =
        ["DejaVu Sans", "Liberation Sans", "Noto Sans", "FreeSans", "Arial", "Helvetica"];

    private static readonly Lazy<string> Family = new(() => ChooseFamily(SKFontManager.Default.FontFamilies));

    public static string SansFamily => Family.Value;

    internal static string ChooseFamily(IEnumerable<string> installedFamilies)
    {
        // With no font files Skia still lists one family, named "".
        var installed = installedFamilies.Where(name => !string.IsNullOrWhiteSpace(name))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return PreferredSansFamilies.FirstOrDefault(installed.Contains)
            ?? installed.Order(StringComparer.Ordinal).FirstOrDefault()
            ?? throw new InvalidOperationException(
                "No fonts found under /usr/share/fonts, so plots would have no text; " +
                "install a font package such as fonts-dejavu-core.");
    }
}

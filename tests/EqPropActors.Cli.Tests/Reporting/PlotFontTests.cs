using EqPropActors.Cli.Reporting;

namespace EqPropActors.Cli.Tests.Reporting;

public sealed class PlotFontTests
{
    [Fact]
    public void ASansFamilyIsPreferredOverTheFirstInstalledOne() =>
        Assert.Equal("DejaVu Sans", PlotFont.ChooseFamily(["DejaVu Math TeX Gyre", "DejaVu Serif", "DejaVu Sans"]));

    [Fact]
    public void AnyInstalledFamilyIsBetterThanNone() =>
        Assert.Equal("Some Font", PlotFont.ChooseFamily(["", "Some Font"]));

    [Fact]
    public void NoFontsAtAllIsAClearError()
    {
        Assert.Contains("No fonts found under /usr/share/fonts",
            Assert.Throws<InvalidOperationException>(() => PlotFont.ChooseFamily([])).Message);
        Assert.Contains("No fonts found under /usr/share/fonts",
            Assert.Throws<InvalidOperationException>(() => PlotFont.ChooseFamily([""])).Message);
    }
}

using EqPropActors.Cli.Studies.Running;

namespace EqPropActors.Cli.Tests.Studies.Report;

/// <summary>
/// runs.csv's probe cells of a run: the last row with a probe value, whatever epochs follow it; empty for a run that
/// was not probed, and for a metrics.csv written before the probe existed (a study may report on old run folders).
/// </summary>
public sealed class LastGradientProbeTests : IDisposable
{
    private const string Header = "epoch,test_error,probe_angle_pair1_deg,probe_angle_pair2_deg,probe_jacobian_asymmetry\n";

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Metrics(string text) => _directory.Write("metrics.csv", System.Text.Encoding.UTF8.GetBytes(text));

    [Fact]
    public void TheCellsOfTheLastProbedRow_InColumnOrder_EvenWhenLaterEpochsWereNotProbed()
    {
        string path = Metrics(Header + "1,0.5,,,\n2,0.4,80.5,40.25,0.5\n3,0.3,,,\n4,0.2,70.5,30.25,0.375\n5,0.1,,,\n");

        Assert.Equal(["70.5", "30.25", "0.375"], LastGradientProbe.Cells(path, pairs: 2));
        Assert.Equal(["probe_angle_pair1_deg", "probe_angle_pair2_deg", "probe_jacobian_asymmetry"], LastGradientProbe.Columns(2));
    }

    [Fact]
    public void ARunThatWasNeverProbed_HasEmptyCells()
    {
        string path = Metrics(Header + "1,0.5,,,\n2,0.4,,,\n");

        Assert.Equal(["", "", ""], LastGradientProbe.Cells(path, pairs: 2));
    }

    [Fact]
    public void AMetricsCsvWithoutProbeColumns_OrNoMetricsCsv_HasEmptyCells()
    {
        string path = Metrics("epoch,test_error\n1,0.5\n2,0.4\n");

        Assert.Equal(["", "", ""], LastGradientProbe.Cells(path, pairs: 2));
        Assert.Equal(["", "", ""], LastGradientProbe.Cells(_directory.File("missing.csv"), pairs: 2));
    }

    [Fact]
    public void ACellThatIsNotANumber_IsAnErrorNamingTheFileAndColumn()
    {
        string path = Metrics(Header + "1,0.5,80.5,forty,0.5\n");

        var error = Assert.Throws<InvalidDataException>(() => LastGradientProbe.Cells(path, pairs: 2));
        Assert.Contains(path, error.Message);
        Assert.Contains("probe_angle_pair2_deg 'forty'", error.Message);
    }
}

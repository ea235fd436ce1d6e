using EqPropActors.Core.Training;

namespace EqPropActors.Core.Tests.Training;

/// <summary>metrics.csv's probe_* columns (--probe-gradient-every): written, empty where not probed, read back on resume.</summary>
public sealed class MetricsCsvProbeColumnsTests
{
    private static EpochMetrics Row(int epoch, double[]? probe, double? asymmetry) => new()
    {
        Epoch = epoch,
        TrainError = 0.5,
        TrainLoss = 0.25,
        TestError = 0.4,
        TestLoss = 0.2,
        WeightAnglesDegrees = [80.5, 70.25],
        FreeNonConverged = 1,
        NudgedNonConverged = 2,
        MeanFreeResidual = 1e-3,
        MeanNudgedResidual = 2e-3,
        Seconds = 1.5,
        SamplesPerSecond = 100,
        ProbeAnglesDegrees = probe,
        ProbeJacobianAsymmetry = asymmetry,
    };

    [Fact]
    public void ProbeColumnsRoundTrip_EmptyInEpochsWithoutAProbe()
    {
        var rows = new[] { Row(1, null, null), Row(2, [12.5, 0.1 + 0.2, double.NaN], 0.7071067811865476) };
        string text = MetricsCsv.Format(rows);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(",stale_ended_phases,probe_angle_pair1_deg,probe_angle_pair2_deg,probe_angle_pair3_deg,probe_jacobian_asymmetry", lines[0]);
        Assert.EndsWith(",,,,", lines[1]);

        var parsed = MetricsCsv.Parse(text, "metrics.csv");
        Assert.Null(parsed[0].ProbeAnglesDegrees);
        Assert.Null(parsed[0].ProbeJacobianAsymmetry);
        Assert.Equal(rows[1].ProbeAnglesDegrees, parsed[1].ProbeAnglesDegrees); // bit for bit: NaN (no fixed point) stays NaN
        Assert.Equal(0.7071067811865476, parsed[1].ProbeJacobianAsymmetry);
        Assert.Equal(text, MetricsCsv.Format(parsed));
    }

    [Fact]
    public void FilesWrittenBeforeTheProbeStillRead()
    {
        string text = MetricsCsv.Format([Row(1, null, null)]);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Drop the probe columns, as an older eqprop wrote the file.
        string Older(string line) => string.Join(',', line.Split(',')[..^4]);
        var parsed = MetricsCsv.Parse(Older(lines[0]) + "\n" + Older(lines[1]) + "\n", "metrics.csv");
        Assert.Single(parsed);
        Assert.Null(parsed[0].ProbeAnglesDegrees);
        Assert.Equal([80.5, 70.25], parsed[0].WeightAnglesDegrees);
    }
}

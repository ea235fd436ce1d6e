using EqPropActors.Cli.Studies.Report;

namespace EqPropActors.Cli.Tests.Studies.Report;

public sealed class RunMetricsTableTests
{
    [Fact]
    public void Parse_ReadsColumnsByHeaderNameWhereverTheyAre()
    {
        var table = RunMetricsTable.Parse("test_error,epoch,val_error,angle_pair2_deg\n0.2,1,,80.5\n0.15,2,0.16,70.25\n", "metrics.csv");

        Assert.Equal([1, 2], table.Epochs);
        Assert.Equal([0.2, 0.15], table.Column("test_error")!);
        Assert.Equal([70.25], table.Column("angle_pair2_deg")![1..]);
        Assert.True(double.IsNaN(table.Column("val_error")![0]));
        Assert.Equal(0.16, table.Column("val_error")![1]);
        Assert.Null(table.Column("val_loss"));
    }

    [Fact]
    public void Parse_RefusesAFileWithoutAnEpochColumn()
    {
        var thrown = Assert.Throws<InvalidDataException>(() => RunMetricsTable.Parse("test_error\n0.2\n", "metrics.csv"));

        Assert.Contains("no 'epoch' column", thrown.Message);
    }
}

using EqPropActors.Cli.Studies.Report;

namespace EqPropActors.Cli.Tests.Studies.Report;

public sealed class StudyRunsTableTests
{
    private const string Header = "condition,seed,delay,lr,status,reason,epochs,test_error,val_error,run_dir\n";

    [Fact]
    public void Parse_AQuotedReasonWithACommaStaysOneField()
    {
        var table = StudyRunsTable.Parse(Header + "delay-4,3,4,0.1,diverged,\"loss NaN at epoch 2, lr 0.1\",2,0.9,,runs/delay-4/seed-3\n", "runs.csv");

        var run = Assert.Single(table.Runs);
        Assert.Equal(StudyRunStatus.Diverged, run.Status);
        Assert.Equal("loss NaN at epoch 2, lr 0.1", run.Reason);
        Assert.Equal(0.9, run.Metrics["test_error"]);
        Assert.Equal("runs/delay-4/seed-3", run.RunDirectory);
    }

    [Fact]
    public void Parse_OptionsAreTheColumnsBeforeStatusAndMetricsThoseBetweenReasonAndRunDir()
    {
        var table = StudyRunsTable.Parse(Header + "sync,1,0,0.1,completed,,3,0.15,0.16,runs/sync/seed-1\n", "runs.csv");

        Assert.Equal(["delay", "lr"], table.OptionNames);
        Assert.Equal(["epochs", "test_error", "val_error"], table.MetricNames);
        var run = table.Runs[0];
        Assert.Equal(("sync", 1), (run.Condition, run.Seed));
        Assert.Equal("0", run.Options["delay"]);
        Assert.Equal("0.1", run.Options["lr"]);
    }

    [Fact]
    public void Parse_EmptyAndNonFiniteCellsAreNoValue()
    {
        var table = StudyRunsTable.Parse(Header + "sync,1,0,0.1,completed,,3,NaN,,runs/sync/seed-1\n", "runs.csv");

        Assert.Equal(["epochs"], table.Runs[0].Metrics.Keys);
    }

    [Fact]
    public void Parse_RefusesTheSameSeedTwiceInACondition()
    {
        string row = "sync,1,0,0.1,completed,,3,0.15,0.16,r\n";

        var thrown = Assert.Throws<InvalidDataException>(() => StudyRunsTable.Parse(Header + row + row, "runs.csv"));

        Assert.Contains("condition 'sync' has seed 1 twice", thrown.Message);
    }

    [Theory]
    [InlineData("sync,1,0,0.1,finished,,3,0.15,0.16,r\n", "status 'finished' is none of")]
    [InlineData("sync,one,0,0.1,completed,,3,0.15,0.16,r\n", "seed 'one' is not an integer")]
    [InlineData("sync,1,0,0.1,completed,,3,15%,0.16,r\n", "test_error '15%' is not a number")]
    [InlineData("sync,1,0,completed,,3,0.15,0.16,r\n", "has 9 fields, the header 10")]
    public void Parse_NamesTheRecordAndTheProblem(string row, string message)
    {
        var thrown = Assert.Throws<InvalidDataException>(() => StudyRunsTable.Parse(Header + row, "runs.csv"));

        Assert.Contains("runs.csv: record 2", thrown.Message);
        Assert.Contains(message, thrown.Message);
    }

    [Fact]
    public void Parse_RefusesAHeaderWithoutTheContractsColumns()
    {
        var thrown = Assert.Throws<InvalidDataException>(() => StudyRunsTable.Parse("condition,seed,status,test_error\n", "runs.csv"));

        Assert.Contains("the header must be condition,seed,<options...>,status,reason,<metrics...>,run_dir", thrown.Message);
    }
}

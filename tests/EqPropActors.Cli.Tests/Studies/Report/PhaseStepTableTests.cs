using EqPropActors.Cli.Studies.Report;

namespace EqPropActors.Cli.Tests.Studies.Report;

/// <summary>
/// A study that compares fixed phase lengths with <c>--T1 auto</c> reports the steps its phases took next to the
/// errors, since the steps saved are what such a study measures; where every run took the same steps the table would
/// say nothing and is left out.
/// </summary>
public sealed class PhaseStepTableTests
{
    private const string Header = "condition,seed,T1,status,reason,epochs,val_error,test_error,free_steps,nudged_steps,run_dir\n";

    [Fact]
    public void StepsThatDifferBetweenConditionsGetATable()
    {
        var table = StudyRunsTable.Parse(Header
            + "fixed,1,40,completed,,5,0.15,0.17,40,8,runs/fixed/seed-1\n"
            + "fixed,2,40,completed,,5,0.16,0.18,40,8,runs/fixed/seed-2\n"
            + "auto,1,auto,completed,,5,0.15,0.17,29.5,16.75,runs/auto/seed-1\n"
            + "auto,2,auto,completed,,5,0.16,0.18,29.25,17.25,runs/auto/seed-2\n", "runs.csv");

        var statistics = StudyStatistics.Compute(table, ["fixed", "auto"], "fixed");

        Assert.Equal(["test_error", "val_error", "free_steps", "nudged_steps"], statistics.MainMetrics);
        var free = statistics.Row("auto", "free_steps");
        Assert.Equal((29.5 + 29.25) / 2, free.Statistics.Mean, 12);
        Assert.Equal((29.5 - 40 + 29.25 - 40) / 2, free.Difference!.Mean, 12);
        Assert.Equal("29.4 steps", MetricUnit.For("free_steps").Value(free.Statistics.Mean));
    }

    [Fact]
    public void StepsThatEveryRunSharesGetNoTable()
    {
        var table = StudyRunsTable.Parse(Header
            + "a,1,40,completed,,5,0.15,0.17,40,8,runs/a/seed-1\n"
            + "b,1,40,completed,,5,0.16,0.18,40,8,runs/b/seed-1\n", "runs.csv");

        Assert.Equal(["test_error", "val_error"], StudyStatistics.Compute(table, ["a", "b"], "a").MainMetrics);
    }
}

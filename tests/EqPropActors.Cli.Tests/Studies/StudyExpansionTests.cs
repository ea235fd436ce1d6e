using EqPropActors.Cli.Studies;

namespace EqPropActors.Cli.Tests.Studies;

/// <summary>Conditions and the grid expand into the study's conditions, in a fixed order, with unique folder names.</summary>
public sealed class StudyExpansionTests
{
    private const string Path = "studies/grid.toml";

    private const string TwoConditionsAndGrid = """
        seeds = 5
        [base]
        engine = "actors"
        epochs = 5
        [[condition]]
        name = "sync"
        schedule = "sync"
        [[condition]]
        name = "async"
        schedule = "async"
        [grid]
        delay = [0, 1, 2]
        send-threshold = [0.0, 0.01]
        """;

    [Fact]
    public void TwoConditionsTimesThreeByTwoGrid_GivesTwelveConditions_ConditionsOutermostLastKeyFastest()
    {
        var spec = StudySpec.Parse(TwoConditionsAndGrid, Path);
        Assert.Equal(
            [
                "sync/delay=0,send-threshold=0", "sync/delay=0,send-threshold=0.01",
                "sync/delay=1,send-threshold=0", "sync/delay=1,send-threshold=0.01",
                "sync/delay=2,send-threshold=0", "sync/delay=2,send-threshold=0.01",
                "async/delay=0,send-threshold=0", "async/delay=0,send-threshold=0.01",
                "async/delay=1,send-threshold=0", "async/delay=1,send-threshold=0.01",
                "async/delay=2,send-threshold=0", "async/delay=2,send-threshold=0.01",
            ],
            spec.Conditions.Select(c => c.Name));
    }

    [Fact]
    public void ExpandedConditions_CarryBaseThenConditionThenGridArguments()
    {
        var spec = StudySpec.Parse(TwoConditionsAndGrid, Path);
        Assert.Equal(
            ["--engine", "actors", "--epochs", "5", "--schedule", "sync", "--delay", "0", "--send-threshold", "0"],
            spec.Conditions[0].ToArguments());
        Assert.Equal(
            ["--engine", "actors", "--epochs", "5", "--schedule", "async", "--delay", "2", "--send-threshold", "0.01"],
            spec.Conditions[11].ToArguments());
    }

    [Fact]
    public void Slugs_AreFolderNamesWithTheGridPoint()
    {
        var spec = StudySpec.Parse(TwoConditionsAndGrid, Path);
        Assert.Equal("sync__delay-0__send-threshold-0", spec.Conditions[0].Slug);
        Assert.Equal("async__delay-2__send-threshold-0.01", spec.Conditions[11].Slug);
        Assert.Equal(12, spec.Conditions.Select(c => c.Slug).Distinct().Count());
    }

    [Fact]
    public void Baseline_IsTheFirstConditionAtTheFirstGridPoint()
    {
        var spec = StudySpec.Parse(TwoConditionsAndGrid, Path);
        Assert.Same(spec.Conditions[0], spec.Baseline);
        Assert.Equal("sync/delay=0,send-threshold=0", spec.Baseline.Name);
    }

    [Fact]
    public void WithoutConditions_TheGridExpandsAnImplicitBaseCondition()
    {
        var spec = StudySpec.Parse("""
            seeds = 2
            [base]
            epochs = 1
            [grid]
            beta = [0.5, 0.1]
            random-sign = [false, true]
            """, Path);
        Assert.Equal(
            ["base/beta=0.5,random-sign=false", "base/beta=0.5,random-sign=true", "base/beta=0.1,random-sign=false", "base/beta=0.1,random-sign=true"],
            spec.Conditions.Select(c => c.Name));
        Assert.Equal("base/beta=0.5,random-sign=false", spec.Baseline.Name);
        Assert.Equal(["--epochs", "1", "--beta", "0.1", "--random-sign"], spec.Conditions[3].ToArguments());
        Assert.Equal(["--epochs", "1", "--beta", "0.5", "--random-sign", "false"], spec.Conditions[0].ToArguments());
    }

    [Fact]
    public void GridKeyAlsoInBase_OverridesBaseInPlace()
    {
        var spec = StudySpec.Parse("seeds = 1\n[base]\nbeta = 0.5\nepochs = 3\n[grid]\nbeta = [0.2]", Path);
        Assert.Equal(["--beta", "0.2", "--epochs", "3"], spec.Baseline.ToArguments());
    }

    [Fact]
    public void GridOfLists_JoinsEachValue()
    {
        var spec = StudySpec.Parse("seeds = 1\n[grid]\nlrs = [[0.1, 0.05], [0.2, 0.1]]", Path);
        Assert.Equal(["base/lrs=0.1,0.05", "base/lrs=0.2,0.1"], spec.Conditions.Select(c => c.Name));
        Assert.Equal(["--lrs", "0.2,0.1"], spec.Conditions[1].ToArguments());
        Assert.Equal("base__lrs-0.2-0.1", spec.Conditions[1].Slug);
    }

    [Fact]
    public void WithoutGrid_ConditionsKeepTheirNamesInOrder()
    {
        var spec = StudySpec.Parse("""
            seeds = 1
            [[condition]]
            name = "sync"
            [[condition]]
            name = "async-delay-2"
            schedule = "async"
            delay = 2
            """, Path);
        Assert.Equal(["sync", "async-delay-2"], spec.Conditions.Select(c => c.Name));
        Assert.Equal(["sync", "async-delay-2"], spec.Conditions.Select(c => c.Slug));
        Assert.Equal("sync", spec.Baseline.Name);
    }

    [Fact]
    public void Slugs_OfAwkwardOrCollidingNames_AreCleanedAndMadeUnique()
    {
        var spec = StudySpec.Parse("""
            seeds = 1
            [[condition]]
            name = "Delay 2 / Jitter"
            [[condition]]
            name = "delay-2---jitter"
            [[condition]]
            name = ".."
            [[condition]]
            name = "Ünïcode"
            """, Path);
        Assert.Equal(["delay-2---jitter", "delay-2---jitter-2", "condition-3", "n-code"], spec.Conditions.Select(c => c.Slug));
    }

    [Fact]
    public void VariedOptions_AreThoseThatDiffer_InFirstSeenOrder()
    {
        var spec = StudySpec.Parse("""
            seeds = 1
            [base]
            epochs = 5
            engine = "actors"
            [[condition]]
            name = "sync"
            schedule = "sync"
            persistent = false
            [[condition]]
            name = "async"
            schedule = "async"
            delay = 2
            beta = 0.5
            [[condition]]
            name = "async-again"
            schedule = "async"
            delay = 2
            beta = 0.5
            """, Path);
        // persistent = false is the same as leaving the flag out; epochs and engine come from [base] for all.
        Assert.Equal(["schedule", "delay", "beta"], spec.VariedOptions);
    }

    [Fact]
    public void VariedOptions_OfAGrid_AreItsKeys()
    {
        var spec = StudySpec.Parse(TwoConditionsAndGrid, Path);
        Assert.Equal(["schedule", "delay", "send-threshold"], spec.VariedOptions);
    }
}

using EqPropActors.Cli.Studies;

namespace EqPropActors.Cli.Tests.Studies;

/// <summary>A spec's top-level settings and option values are read as written and become command-line strings.</summary>
public sealed class StudySpecParsingTests
{
    private const string Path = "studies/example.toml";

    [Fact]
    public void TopLevelSettings_AreRead()
    {
        const string text = """
            title = "Asynchrony"
            description = "Does delay hurt?"
            seeds = 3
            gradcheck = true
            gradcheck-repeats = 7
            [base]
            epochs = 2
            """;
        var spec = StudySpec.Parse(text, Path);
        Assert.Equal("Asynchrony", spec.Title);
        Assert.Equal("Does delay hurt?", spec.Description);
        Assert.Equal([1, 2, 3], spec.Seeds);
        Assert.True(spec.Gradcheck);
        Assert.Equal(7, spec.GradcheckRepeats);
        Assert.Equal(text, spec.SpecText);
    }

    [Fact]
    public void OptionalSettings_HaveTheirDefaults()
    {
        var spec = StudySpec.Parse("seeds = 1", Path);
        Assert.Null(spec.Title);
        Assert.Null(spec.Description);
        Assert.False(spec.Gradcheck);
        Assert.Equal(5, spec.GradcheckRepeats);
        var only = Assert.Single(spec.Conditions);
        Assert.Equal("base", only.Name);
        Assert.Empty(only.ToArguments());
    }

    [Fact]
    public void SeedsAsCount_MeansOneToN() => Assert.Equal([1, 2, 3, 4, 5], StudySpec.Parse("seeds = 5", Path).Seeds);

    [Fact]
    public void SeedsAsList_AreKeptInTheOrderWritten() => Assert.Equal([7, 1, 0], StudySpec.Parse("seeds = [7, 1, 0]", Path).Seeds);

    [Fact]
    public void EveryValueType_BecomesItsCommandLineForm()
    {
        var spec = StudySpec.Parse("""
            seeds = 1
            [base]
            dataset = "fashion-mnist"
            epochs = 5
            beta = 0.01
            tolerance = 1e-4
            tau-spread = 2.5e10
            send-threshold = 0
            random-sign = true
            third-phase = false
            lrs = [0.1, 0.05]
            layers = [784, 500, 10]
            """, Path);
        var condition = spec.Baseline;
        Assert.Equal(
            [
                new StudyOption("dataset", "fashion-mnist", false),
                new StudyOption("epochs", "5", false),
                new StudyOption("beta", "0.01", false),
                new StudyOption("tolerance", "0.0001", false),
                new StudyOption("tau-spread", "25000000000", false),
                new StudyOption("send-threshold", "0", false),
                new StudyOption("random-sign", "true", true),
                new StudyOption("third-phase", "false", true),
                new StudyOption("lrs", "0.1,0.05", false),
                new StudyOption("layers", "784,500,10", false),
            ],
            condition.Options);
        Assert.Equal(
            ["--dataset", "fashion-mnist", "--epochs", "5", "--beta", "0.01", "--tolerance", "0.0001", "--tau-spread", "25000000000",
             "--send-threshold", "0", "--random-sign", "--third-phase", "false", "--lrs", "0.1,0.05", "--layers", "784,500,10"],
            condition.ToArguments());
    }

    [Fact]
    public void FloatValues_RoundTripThroughTheirText()
    {
        foreach (var value in new[] { 0.1, 0.3, 1.0 / 3, 123456.789, 5e-7 })
        {
            var text = $"seeds = 1\n[base]\nbeta = {value:R}";
            var written = StudySpec.Parse(text, Path).Baseline.Option("beta");
            Assert.Equal(value, double.Parse(written!, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Option_ReturnsTheValueOrNull()
    {
        var condition = StudySpec.Parse("seeds = 1\n[base]\nepochs = 3\npersistent = false", Path).Baseline;
        Assert.Equal("3", condition.Option("epochs"));
        Assert.Equal("false", condition.Option("persistent"));
        Assert.Null(condition.Option("beta"));
    }

    [Fact]
    public void ConditionKeys_OverrideBaseInPlaceAndNewOnesFollow()
    {
        var spec = StudySpec.Parse("""
            seeds = 1
            [base]
            engine = "actors"
            schedule = "sync"
            epochs = 5
            [[condition]]
            name = "async"
            delay = 2
            schedule = "async"
            """, Path);
        Assert.Equal(["--engine", "actors", "--schedule", "async", "--epochs", "5", "--delay", "2"], spec.Baseline.ToArguments());
    }

    [Fact]
    public void Load_ReadsTheFile()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("spec.toml");
        File.WriteAllText(path, "seeds = [4, 2]\n[[condition]]\nname = \"only\"\n");
        var spec = StudySpec.Load(path);
        Assert.Equal([4, 2], spec.Seeds);
        Assert.Equal("only", spec.Baseline.Name);
    }

    [Fact]
    public void Load_MissingFile_ThrowsNamingIt()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("absent.toml");
        var thrown = Assert.Throws<FileNotFoundException>(() => StudySpec.Load(path));
        Assert.Contains(path, thrown.Message);
        Assert.Equal(path, thrown.FileName);
    }

    [Fact]
    public void TheShippedAsynchronyStudy_GivesDelaysAndJitterInTau()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "EqPropActors.sln")))
            root = root.Parent;
        Assert.NotNull(root);
        var spec = StudySpec.Load(System.IO.Path.Combine(root.FullName, "studies", "asynchrony.toml"));
        var jittered = spec.Conditions.Single(c => c.ToArguments().Contains("--jitter")).ToArguments().ToArray();
        Assert.Equal(["--delay", "0.5", "--jitter", "1"], jittered[^4..]);
    }
}

using EqPropActors.Cli.Studies;

namespace EqPropActors.Cli.Tests.Studies;

/// <summary>The fingerprint follows what the study runs, not how the spec is written.</summary>
public sealed class StudyFingerprintTests
{
    private const string Original = """
        title = "Asynchrony"
        seeds = 3
        gradcheck = true
        [base]
        epochs = 5
        lrs = [0.1, 0.05]
        [[condition]]
        name = "sync"
        schedule = "sync"
        [[condition]]
        name = "async"
        schedule = "async"
        [grid]
        delay = [0, 2]
        """;

    // The same runs: comments, blank lines, other quoting and spacing, seeds and lrs spelled differently, a new title.
    private const string Reformatted = """
        # Does asynchrony hurt?
        title   = 'Asynchrony, rerun'
        seeds   = [1, 2, 3]        # the same three seeds

        gradcheck = true
        gradcheck-repeats = 5

        [base]
        epochs  = 5
        lrs     = "0.1,0.05"

        [[condition]]
        name     = 'sync'
        schedule = 'sync'

        [[condition]]
        name     = "async"
        schedule = "async"

        [grid]
        delay = [ 0,
                        2 ]
        """;

    private static string FingerprintOf(string text) => StudySpec.Parse(text, "studies/fingerprint.toml").Fingerprint;

    [Fact]
    public void Fingerprint_IsSha256Hex()
    {
        Assert.Matches("^[0-9a-f]{64}$", FingerprintOf(Original));
    }

    [Fact]
    public void ReformattedSpecWithComments_HasTheSameFingerprint() =>
        Assert.Equal(FingerprintOf(Original), FingerprintOf(Reformatted));

    [Theory]
    [InlineData("epochs = 5", "epochs = 6")]
    [InlineData("lrs = [0.1, 0.05]", "lrs = [0.1, 0.06]")]
    [InlineData("seeds = 3", "seeds = 4")]
    [InlineData("seeds = 3", "seeds = [1, 2, 4]")]
    [InlineData("seeds = 3", "seeds = [3, 2, 1]")]
    [InlineData("gradcheck = true", "gradcheck = false")]
    [InlineData("gradcheck = true", "gradcheck = true\ngradcheck-repeats = 6")]
    [InlineData("name = \"async\"", "name = \"asynchronous\"")]
    [InlineData("delay = [0, 2]", "delay = [2, 0]")]
    [InlineData("delay = [0, 2]", "delay = [0, 2, 4]")]
    public void ChangedContent_ChangesTheFingerprint(string before, string after)
    {
        var changed = Original.Replace(before, after, StringComparison.Ordinal);
        Assert.NotEqual(Original, changed);
        Assert.NotEqual(FingerprintOf(Original), FingerprintOf(changed));
    }
}

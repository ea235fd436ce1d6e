using EqPropActors.Cli.Studies;
using EqPropActors.Core;

namespace EqPropActors.Cli.Tests.Studies;

/// <summary>A wrong spec is refused with a message that starts with its path and names the table and the key.</summary>
public sealed class StudySpecErrorTests
{
    private const string Path = "studies/broken.toml";

    private static string ErrorOf(string text)
    {
        var thrown = Assert.Throws<ConfigurationException>(() => StudySpec.Parse(text, Path));
        Assert.StartsWith(Path + ":", thrown.Message);
        return thrown.Message;
    }

    private static void AssertMentions(string message, params string[] fragments)
    {
        foreach (var fragment in fragments)
            Assert.True(message.Contains(fragment, StringComparison.Ordinal), $"the message should mention '{fragment}':\n{message}");
    }

    [Fact]
    public void UnknownOptionInACondition_NamesTheConditionAndSuggests()
    {
        var message = ErrorOf("""
            seeds = 1
            [[condition]]
            name = "sync"
            [[condition]]
            name = "async-delay-2"
            tau-sprad = 2
            """);
        AssertMentions(message, """studies/broken.toml: [[condition]] 2 ("async-delay-2"): unknown option 'tau-sprad'; did you mean 'tau-spread'?""");
    }

    [Theory]
    [InlineData("seeds = 1\n[base]\nepoch = 3", "[base]", "unknown option 'epoch'", "did you mean 'epochs'?")]
    [InlineData("seeds = 1\n[grid]\nbetta = [0.1]", "[grid]", "unknown option 'betta'", "did you mean 'beta'?")]
    [InlineData("seeds = 1\n[base]\nt1 = 40", "[base]", "unknown option 't1'", "did you mean 'T1'?")]
    [InlineData("seeds = 1\n[base]\nwhatever-this-is = 1", "[base]", "unknown option 'whatever-this-is'")]
    [InlineData("seeds = 1\ntitel = \"x\"", "top level", "unknown key 'titel'", "did you mean 'title'?")]
    [InlineData("seeds = 1\nepochs = 3", "top level", "'epochs' is an option of eqprop train", "[base]")]
    public void UnknownKeys_AreNamedWithTheirTable(string text, params string[] fragments) => AssertMentions(ErrorOf(text), fragments);

    [Theory]
    [InlineData("out", "own folder")]
    [InlineData("resume", "resumes")]
    [InlineData("config", "spec alone")]
    [InlineData("overwrite", "still to do")]
    [InlineData("seed", "'seeds'")]
    public void KeysTheStudyControls_AreRefusedSayingWhy(string key, string reason)
    {
        AssertMentions(ErrorOf($"seeds = 1\n[base]\n{key} = \"x\""), "[base]", $"'{key}' cannot be set in a study", reason);
        AssertMentions(ErrorOf($"seeds = 1\n[[condition]]\nname = \"a\"\n{key} = \"x\""), "[[condition]] 1 (\"a\")", $"'{key}' cannot be set");
        AssertMentions(ErrorOf($"seeds = 1\n[grid]\n{key} = [\"x\"]"), "[grid]", $"'{key}' cannot be set");
    }

    [Theory]
    [InlineData("seeds = 1\n[base]\nlrs = { first = 0.1 }", "[base]", "'lrs' is a table")]
    [InlineData("seeds = 1\n[base]\nlrs = [[0.1, 0.05]]", "[base]", "'lrs' is a nested list")]
    [InlineData("seeds = 1\n[base]\nlrs = []", "[base]", "'lrs' is an empty list")]
    [InlineData("seeds = 1\n[base]\nepochs = 2.5", "[base]", "'epochs' takes an integer")]
    [InlineData("seeds = 1\n[base]\nepochs = \"5\"", "[base]", "'epochs' takes an integer")]
    [InlineData("seeds = 1\n[base]\nepochs = [1, 2]", "[base]", "'epochs' takes an integer, not a list")]
    [InlineData("seeds = 1\n[base]\nbeta = \"big\"", "[base]", "'beta' takes a number")]
    [InlineData("seeds = 1\n[base]\nbeta = inf", "[base]", "'beta' = Infinity is not a finite number")]
    [InlineData("seeds = 1\n[base]\nrandom-sign = 1", "[base]", "'random-sign' is a flag")]
    [InlineData("seeds = 1\n[base]\ndataset = true", "[base]", "'dataset' takes a value, not true/false")]
    [InlineData("seeds = 1\n[base]\ndataset = 1979-05-27", "[base]", "'dataset' is a", "not an option value")]
    [InlineData("seeds = 1\n[[condition]]\nname = \"a\"\nbeta = [0.1]", "[[condition]] 1 (\"a\")", "'beta' takes a number, not a list")]
    [InlineData("seeds = 1\n[grid]\ndelay = []", "[grid]", "'delay' is an empty list")]
    [InlineData("seeds = 1\n[grid]\ndelay = 2", "[grid]", "'delay' is the integer 2", "list of values")]
    [InlineData("seeds = 1\n[grid]\ndelay = [1, 2, 1]", "[grid]", "'delay' lists 1 twice")]
    [InlineData("seeds = 1\n[grid]\nbatch-size = [[1, 2]]", "[grid]", "'batch-size' takes an integer, not a list")]
    [InlineData("seeds = 1\n[grid]\nlrs = [[[0.1]]]", "[grid]", "'lrs' is a nested list")]
    [InlineData("seeds = 1\nbase = 3", "top level", "'base' is the integer 3")]
    [InlineData("seeds = 1\ngrid = [1]", "top level", "'grid' is a list")]
    [InlineData("seeds = 1\n[condition]\nname = \"a\"", "top level", "'condition' is a table", "[[condition]]")]
    [InlineData("seeds = 1\ntitle = 3", "top level", "'title' is the integer 3")]
    public void WrongValueTypes_NameTheKeyAndTable(string text, params string[] fragments) => AssertMentions(ErrorOf(text), fragments);

    [Theory]
    [InlineData("title = \"no seeds\"", "'seeds' is missing")]
    [InlineData("seeds = 0", "'seeds' = 0", "between 1 and")]
    [InlineData("seeds = -2", "'seeds' = -2")]
    [InlineData("seeds = []", "'seeds' is an empty list")]
    [InlineData("seeds = [1, 2, 1]", "'seeds' lists seed 1 twice")]
    [InlineData("seeds = [1, -3]", "'seeds' lists the integer -3")]
    [InlineData("seeds = [1, 2.5]", "'seeds' lists the number 2.5")]
    [InlineData("seeds = \"5\"", "'seeds' is the string \"5\"")]
    [InlineData("seeds = 1\ngradcheck = \"yes\"", "'gradcheck' is the string \"yes\"")]
    [InlineData("seeds = 1\ngradcheck = true\ngradcheck-repeats = 0", "'gradcheck-repeats' is the integer 0", "≥ 1")]
    [InlineData("seeds = 1\ngradcheck-repeats = 3", "'gradcheck-repeats' is set but 'gradcheck' is not true")]
    public void WrongTopLevelSettings_AreNamed(string text, params string[] fragments) =>
        AssertMentions(ErrorOf(text), ["top level", .. fragments]);

    [Fact]
    public void GridKeyThatAConditionSets_NamesBoth()
    {
        var message = ErrorOf("""
            seeds = 1
            [[condition]]
            name = "sync"
            [[condition]]
            name = "async"
            delay = 2
            [grid]
            delay = [0, 1]
            """);
        AssertMentions(message, "[[condition]] 2 (\"async\")", "'delay'", "[grid]");
    }

    [Theory]
    [InlineData("seeds = 1\n[[condition]]\nname = \"a\"\n[[condition]]\nname = \"a\"", "[[condition]] 2 (\"a\")", "already used by [[condition]] 1")]
    [InlineData("seeds = 1\n[[condition]]\nname = \"\"", "[[condition]] 1", "'name' is empty")]
    [InlineData("seeds = 1\n[[condition]]\nname = \"  \"", "[[condition]] 1", "'name' is empty")]
    [InlineData("seeds = 1\n[[condition]]\nname = \"a\"\n[[condition]]\nepochs = 2", "[[condition]] 2", "'name' is missing")]
    [InlineData("seeds = 1\n[[condition]]\nname = 4", "[[condition]] 1", "'name' is the integer 4")]
    public void ConditionNames_MustBePresentNonEmptyAndUnique(string text, params string[] fragments) => AssertMentions(ErrorOf(text), fragments);

    [Fact]
    public void TomlSyntaxError_GivesLineAndColumn()
    {
        var message = ErrorOf("seeds = 1\n[base]\n  epochs = @");
        AssertMentions(message, "studies/broken.toml: line 3, column 12", "@");
    }

    [Fact]
    public void KeyDefinedTwice_IsATomlError()
    {
        var message = ErrorOf("seeds = 1\n[base]\nepochs = 1\nepochs = 2");
        AssertMentions(message, "line 4, column 1", "epochs");
    }
}

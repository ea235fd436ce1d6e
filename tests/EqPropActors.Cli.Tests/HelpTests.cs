namespace EqPropActors.Cli.Tests;

/// <summary>The help screens render and document the options.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class HelpTests
{
    [Fact]
    public void RootHelp_ListsTheCommands()
    {
        var result = CliRunner.RunOk("--help");
        foreach (var text in new[] { "USAGE", "train", "gradcheck", "bench" })
            Assert.True(result.Output.Contains(text, StringComparison.Ordinal), $"missing '{text}'\n{result}");
    }

    [Fact]
    public void NoArguments_ShowsTheHelp()
    {
        var result = CliRunner.Run();
        Assert.True(result.Thrown is null, result.ToString());
        Assert.Contains("train", result.Output);
    }

    [Theory]
    [InlineData("train", "--T1", "--T2", "--beta", "--rule", "--lrs", "--out", "--resume", "--data", "--epochs", "--overwrite", "--config", "--validation", "--trace-every", "--probe-gradient-every")]
    [InlineData("trace", "--checkpoint", "--samples", "--groups", "--out", "--engine", "--schedule", "--delay", "--jitter", "--send-threshold", "--phase-control")]
    [InlineData("gradcheck", "--T1", "--T2", "--beta", "--rules", "--angles", "--json", "--repeats", "--weights", "--third-phase")]
    [InlineData("bench", "--rule", "--seconds", "--threads")]
    [InlineData("study", "--out", "--jobs", "--report-only")]
    public void CommandHelp_ExitsZeroAndNamesTheOptions(string command, params string[] options)
    {
        var result = CliRunner.Run(command, "--help");
        Assert.True(result.Thrown is null && result.ExitCode == 0, $"'{command} --help' failed\n{result}");
        foreach (var option in options)
            Assert.True(result.Output.Contains(option, StringComparison.Ordinal), $"'{command} --help' does not mention {option}\n{result}");
    }
}

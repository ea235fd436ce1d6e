using System.Text.RegularExpressions;
using EqPropActors.Cli.Studies;

namespace EqPropActors.Cli.Tests.Studies;

/// <summary>The options a spec accepts are exactly those `eqprop train --help` documents, less the study's own.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class StudyOptionNamesTests
{
    private static HashSet<string> TrainHelpOptions()
    {
        var help = CliRunner.RunOk("train", "--help").Output;
        return Regex.Matches(help, @"(?<![\w-])--([A-Za-z0-9][A-Za-z0-9-]*)").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
    }

    [Fact]
    public void EveryOptionASpecAccepts_IsListedByTrainHelp()
    {
        var documented = TrainHelpOptions();
        Assert.Contains("delay", TrainOptionCatalog.SpecOptionNames);
        Assert.Contains("T1", TrainOptionCatalog.SpecOptionNames);
        foreach (var name in TrainOptionCatalog.SpecOptionNames)
            Assert.True(documented.Contains(name), $"the spec accepts '{name}', which 'eqprop train --help' does not list");
    }

    [Fact]
    public void EveryOptionTrainHelpLists_IsKnownToTheSpec()
    {
        // help and version belong to the command line itself, not to training.
        foreach (var name in TrainHelpOptions().Except(["help", "version"]))
            Assert.True(TrainOptionCatalog.TrainOptions.ContainsKey(name), $"'eqprop train --help' lists --{name}, which the study spec does not know");
    }

    [Fact]
    public void OptionsTheStudyControls_AreNotAccepted()
    {
        foreach (var name in new[] { "out", "resume", "seed" })
        {
            Assert.True(TrainOptionCatalog.TrainOptions.ContainsKey(name), $"--{name} should be a train option");
            Assert.DoesNotContain(name, TrainOptionCatalog.SpecOptionNames);
        }
    }
}

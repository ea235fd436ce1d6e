using System.Text.Json.Nodes;
using EqPropActors.Cli.Commands;
using EqPropActors.Core;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Tests;

/// <summary>
/// config.json files written before delays were times hold "delay-steps", "jitter" (steps) and "rate-spread". A zero
/// (every sync run) reads as before; any other value is refused with the field, its value and what to write instead,
/// whether the file is resumed (<see cref="RunDirectory.ReadConfig"/>) or rerun (<c>train --config</c>).
/// </summary>
public sealed class LegacyScheduleConfigTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    /// <summary>A config.json of a run with dt 0.1, with <paramref name="field"/> set as an older version wrote it.</summary>
    private string OldConfig(string field, double value)
    {
        var config = new TrainingConfig { Layers = [784, 32, 10], Dt = 0.1f, Engine = "actors", ActorSchedule = "async" };
        var node = JsonNode.Parse(RunDirectory.SerializeConfig(config))!.AsObject();
        node.Remove("delay");
        node.Remove("jitter-tau");
        node.Remove("tau-spread");
        node[field] = value;
        return _directory.Write($"{field}-{value}.json", System.Text.Encoding.UTF8.GetBytes(node.ToJsonString()));
    }

    [Theory]
    [InlineData("delay-steps", 2, "'delay-steps': 2", "\"delay\": 0.2", "2 × dt 0.1")]
    [InlineData("jitter", 3, "'jitter': 3", "\"jitter-tau\": 0.3", "3 × dt 0.1")]
    [InlineData("rate-spread", 0.5, "'rate-spread': 0.5", "\"tau-spread\": 1", "time constants up to")]
    public void ANonzeroOldFieldNamesItsReplacement(string field, double value, params string[] mentions)
    {
        string path = OldConfig(field, value);
        var resumed = Assert.Throws<ConfigurationException>(() => RunDirectory.ReadConfig(path));
        var rerun = Assert.Throws<ConfigurationException>(() => ConfigArguments.Expand(["train", "--config", path]));
        foreach (var error in new[] { resumed, rerun })
        {
            Assert.Contains(path, error.Message);
            Assert.Contains("older version", error.Message);
            foreach (var text in mentions)
                Assert.Contains(text, error.Message);
        }
    }

    [Fact]
    public void ZerosInTheOldFieldsReadAsBefore()
    {
        string path = OldConfig("delay-steps", 0);
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        (node["jitter"], node["rate-spread"]) = (0, 0.0);
        File.WriteAllText(path, node.ToJsonString());

        var config = RunDirectory.ReadConfig(path);
        Assert.Equal((0.0, 0.0, 0.0), (config.Delay, config.Jitter, config.TauSpread));
        var arguments = ConfigArguments.Expand(["train", "--config", path]);
        Assert.DoesNotContain(arguments, a => a is "--delay-steps" or "--jitter" or "--rate-spread" or "--delay");
        // Written again, the file holds only the current fields.
        var written = JsonNode.Parse(RunDirectory.SerializeConfig(config))!.AsObject();
        Assert.False(written.ContainsKey("delay-steps") || written.ContainsKey("jitter") || written.ContainsKey("rate-spread"));
    }

    [Fact]
    public void TheJitterInTauIsRerunAsTheJitterOption()
    {
        var config = new TrainingConfig { Layers = [784, 32, 10], Engine = "actors", ActorSchedule = "async", Delay = 0.25, Jitter = 0.5, TauSpread = 1.5 };
        string path = _directory.Write("config.json", RunDirectory.SerializeConfig(config));
        var arguments = ConfigArguments.Expand(["train", "--config", path]);
        Assert.Equal("0.25", arguments[Array.IndexOf(arguments, "--delay") + 1]);
        Assert.Equal("0.5", arguments[Array.IndexOf(arguments, "--jitter") + 1]);
        Assert.Equal("1.5", arguments[Array.IndexOf(arguments, "--tau-spread") + 1]);
        var read = RunDirectory.ReadConfig(path);
        Assert.Equal((0.25, 0.5, 1.5), (read.Delay, read.Jitter, read.TauSpread));
    }
}

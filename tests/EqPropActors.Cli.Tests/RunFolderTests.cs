using System.Security.Cryptography;
using System.Text.Json;
using EqPropActors.Cli.Commands;
using EqPropActors.Core.Checkpoints;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Tests;

/// <summary>Run folders are never lost or mixed: --out refuses an existing run, --overwrite replaces it cleanly,
/// results.json says how every run ended, and config.json reruns a run bit for bit.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class RunFolderTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void OutOntoAnExistingRun_IsRefusedWithExitCode2_AndTheFolderIsByteForByteUnchanged()
    {
        string run = _directory.File("run");
        CliRunner.RunOk(CliRunner.Train("--out", run));
        var before = Snapshot(run);

        var refused = CliRunner.Run(CliRunner.Train("--seed", "2", "--out", run));

        Assert.True(refused.ExitCode == ExitCodes.BadInput, refused.ToString());
        Assert.Contains($"'{run}' already exists and is not empty", refused.Flat);
        Assert.Contains("--overwrite", refused.Flat);
        Assert.Equal(before, Snapshot(run));
    }

    [Fact]
    public void Overwrite_RemovesTheEarlierRunFirst_SoNoOldFileIsLeftBesideTheNewOnes()
    {
        string run = _directory.File("run");
        CliRunner.RunOk(CliRunner.Train("--validation", "40", "--out", run)); // leaves a best.npz
        Assert.True(File.Exists(Path.Combine(run, RunDirectory.BestCheckpointFile)));

        CliRunner.RunOk(CliRunner.Train("--seed", "5", "--epochs", "1", "--out", run, "--overwrite"));

        Assert.False(File.Exists(Path.Combine(run, RunDirectory.BestCheckpointFile)), "the earlier run's best.npz survived --overwrite");
        var checkpoint = NpzArchive.Read(Path.Combine(run, RunDirectory.CheckpointFile));
        Assert.Equal(5, checkpoint["seed"].ScalarValue<int>());
        Assert.Equal(1, checkpoint["completed_epochs"].ScalarValue<int>());
        Assert.Single(RunFolder.Metrics(run).Rows);
    }

    [Fact]
    public void Overwrite_RefusesAFolderHoldingFilesARunDoesNotWrite_AndTouchesNothing()
    {
        string folder = _directory.File("thesis");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "chapter1.tex"), "precious");
        File.WriteAllText(Path.Combine(folder, RunDirectory.ConfigFile), "{}");
        var before = Snapshot(folder);

        var refused = CliRunner.Run(CliRunner.Train("--out", folder, "--overwrite"));

        Assert.True(refused.ExitCode == ExitCodes.BadInput, refused.ToString());
        Assert.Contains("chapter1.tex", refused.Flat);
        Assert.Equal(before, Snapshot(folder));
    }

    [Fact]
    public void ConfigJson_RerunsTheRunBitForBit_AndOptionsGivenOverrideIt()
    {
        string original = _directory.File("original"), rerun = _directory.File("rerun"), longer = _directory.File("longer");
        CliRunner.RunOk(CliRunner.Train("--seed", "3", "--random-sign", "--momentum", "0.5", "--validation", "30", "--lr-schedule", "constant", "--out", original));
        string config = Path.Combine(original, RunDirectory.ConfigFile);

        CliRunner.RunOk("train", "--config", config, "--out", rerun);
        var a = RunFolder.CheckpointWeights(original);
        var b = RunFolder.CheckpointWeights(rerun);
        Assert.True(a.Keys.SequenceEqual(b.Keys) && a.Keys.All(k => RunFolder.BitIdentical(a[k], b[k])), RunFolder.DescribeDifference(a, b));
        Assert.Equal(DeterminismTests.WithoutTimings(original), DeterminismTests.WithoutTimings(rerun));
        Assert.Equal(File.ReadAllText(config), File.ReadAllText(Path.Combine(rerun, RunDirectory.ConfigFile)));

        // With a constant rate, three epochs continue where the two-epoch run stopped: the first two rows agree.
        CliRunner.RunOk("train", "--config", config, "--epochs", "3", "--out", longer);
        var rows = DeterminismTests.WithoutTimings(longer);
        Assert.Equal(3, rows.Length);
        Assert.Equal(DeterminismTests.WithoutTimings(original), rows[..2]);
        using var written = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(longer, RunDirectory.ConfigFile)));
        Assert.Equal(3, written.RootElement.GetProperty("epochs").GetInt32());
        Assert.Equal(3, written.RootElement.GetProperty("seed").GetInt32());
    }

    [Fact]
    public void ConfigJson_UsesTheCommandLineSpellings_AbsolutePaths_AndRecordsTheProgram()
    {
        var settings = new TrainSettings { Dataset = "mnist", DataDirectory = "some/relative/mnist", Activation = "logistic", RhoPrime = true, Rule = "ep", Schedule = "constant" };
        var config = settings.ToTrainingConfig();
        Assert.Equal(Path.GetFullPath("some/relative/mnist"), config.DataDirectory);

        using var json = JsonDocument.Parse(RunDirectory.SerializeConfig(config));
        var root = json.RootElement;
        Assert.Equal("logistic", root.GetProperty("activation").GetString());
        Assert.True(root.GetProperty("rho-prime").GetBoolean());
        Assert.Equal("ep", root.GetProperty("rule").GetString());
        Assert.Equal("constant", root.GetProperty("lr-schedule").GetString());
        Assert.Equal(Path.GetFullPath("some/relative/mnist"), root.GetProperty("data").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("version").GetString()));
        Assert.True(root.TryGetProperty("commit", out _));
        // Every setting is an option of 'eqprop train' (or one the program fixes), so --config can turn it back into one.
        foreach (var property in root.EnumerateObject().Where(p => p.Name is not ("version" or "commit")))
            Assert.True(ConfigArguments.TrainOptionNames.Contains(TrainingConfig.OptionOfKey(property.Name)) || TrainingConfig.RecordedOnlyKeys.Contains(property.Name),
                $"config.json key '{property.Name}' is not a train option");
    }

    [Fact]
    public void ADivergedRun_LeavesResultsJsonWithItsStatusAndReason()
    {
        string run = _directory.File("run");
        var result = CliRunner.Run(CliRunner.Train("--lrs", "1e30,1e30", "--beta", "1", "--out", run));
        Assert.True(result.ExitCode == ExitCodes.Diverged, result.ToString());

        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(run, RunDirectory.ResultsFile)));
        var root = json.RootElement;
        Assert.Equal("diverged", root.GetProperty("status").GetString());
        string reason = root.GetProperty("reason").GetString()!;
        Assert.Contains("--max-weight", reason);
        // The largest magnitude is reported as a magnitude, never with a minus sign.
        Assert.DoesNotContain("= -", reason);
        int completed = root.GetProperty("epochs_completed").GetInt32();
        bool anyEpoch = File.Exists(Path.Combine(run, RunDirectory.MetricsFile));
        Assert.Equal(anyEpoch ? RunFolder.Metrics(run).Rows.Length : 0, completed);
        Assert.Equal(2, root.GetProperty("epochs").GetInt32());
    }

    [Fact]
    public void AnInterruptedRun_LeavesResultsJsonSayingInterrupted_WithTheMetricsSoFar()
    {
        string run = _directory.File("run");
        using var ctrlC = new CancellationTokenSource();
        var interrupted = CliRunner.Run(CliRunner.Train("--out", run),
            line => { if (line.StartsWith("epoch 2/2: 50%", StringComparison.Ordinal)) ctrlC.Cancel(); }, ctrlC.Token);
        Assert.True(interrupted.ExitCode == ExitCodes.Interrupted, interrupted.ToString());

        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(run, RunDirectory.ResultsFile)));
        var root = json.RootElement;
        Assert.Equal("interrupted", root.GetProperty("status").GetString());
        Assert.Contains("minibatch", root.GetProperty("reason").GetString());
        Assert.Equal(1, root.GetProperty("epochs_completed").GetInt32());
        Assert.Equal(RunFolder.Number(RunFolder.Metrics(run).Rows[0][3]), root.GetProperty("test_error").GetDouble());

        // Resumed to its end, the same file says completed.
        CliRunner.RunOk("train", "--resume", run);
        using var after = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(run, RunDirectory.ResultsFile)));
        Assert.Equal("completed", after.RootElement.GetProperty("status").GetString());
        Assert.Equal(2, after.RootElement.GetProperty("epochs_completed").GetInt32());
    }

    [Fact]
    public void WithoutAValidationSplit_NothingIsChosen_NoBestCheckpointAndNoBestEpoch()
    {
        string run = _directory.File("run");
        CliRunner.RunOk(CliRunner.Train("--out", run));
        Assert.False(File.Exists(Path.Combine(run, RunDirectory.BestCheckpointFile)));
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(run, RunDirectory.ResultsFile)));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("best_epoch").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("val_error").ValueKind);
        Assert.All(RunFolder.Metrics(run).Rows, row => Assert.Equal("", row[5]));
    }

    [Fact]
    public void ResumingWithMoreEpochs_CountsTheEpochsOfTheWholeRun()
    {
        string run = _directory.File("run");
        CliRunner.RunOk("train", "--train-samples", "200", "--layers", "784,32,10", "--epochs", "1", "--out", run);
        var resumed = CliRunner.RunOk("train", "--resume", run, "--epochs", "3");
        Assert.Contains("epoch 2/3:", resumed.Output);
        Assert.Contains("epoch 3/3:", resumed.Output);
        Assert.DoesNotContain("/1:", resumed.Output);
    }

    [Theory]
    [InlineData("--epochs", "0", "--epochs must be at least 1")]
    [InlineData("--validation", "-1", "--validation must be 0")]
    [InlineData("--validation", "10000", "--validation must be between 1 and 9999")]
    public void BadRunSettings_AreRefusedWithExitCode2(string option, string value, string message)
    {
        var result = CliRunner.Run(["train", "--train-samples", "100", option, value, "--out", _directory.File("run")]);
        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains(message, result.Flat);
    }

    [Fact]
    public void AFolderMixingTwoRuns_IsNotResumed()
    {
        string run = _directory.File("run");
        CliRunner.RunOk(CliRunner.Train("--out", run));
        string config = Path.Combine(run, RunDirectory.ConfigFile);
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"seed\": 1,", "\"seed\": 9,"));

        var result = CliRunner.Run("train", "--resume", run, "--epochs", "3");
        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("mixes two runs", result.Flat);
    }

    /// <summary>Every file's name, size and SHA-256, and the folder's entries: "byte for byte unchanged".</summary>
    private static string[] Snapshot(string folder) => Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal)
        .Select(path => File.Exists(path) ? $"{Path.GetRelativePath(folder, path)} {new FileInfo(path).Length} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)))} {File.GetLastWriteTimeUtc(path):O}" : Path.GetRelativePath(folder, path))
        .ToArray();
}

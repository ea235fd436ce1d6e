using System.Diagnostics;
using System.Text.Json;
using EqPropActors.Cli.Commands;
using EqPropActors.Cluster.Hosting;

namespace EqPropActors.Cli.Tests;

/// <summary><c>eqprop bench --json</c> prints one JSON object on stdout and nothing else; progress goes to stderr.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class BenchJsonTests
{
    [Fact]
    public async Task StdoutIsOneJsonObjectWithTheMeasuredRows()
    {
        // A separate process: only then is stdout exactly what a script reading it would get.
        var info = EqpropChildProcess.StartInfo(typeof(BenchCommand).Assembly.Location,
            ["bench", "--json", "--seconds", "0.2", "--batch", "100", "--threads", "1"]);
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEndAsync();
        string stdout = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(2));
        string stderr = await errors;
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}\nstderr:\n{stderr}\nstdout:\n{stdout}");
        Assert.Contains("measuring", stderr);

        using var json = JsonDocument.Parse(stdout); // throws if anything but one JSON value is there
        var root = json.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("cpu").GetProperty("model").GetString()));
        Assert.True(root.GetProperty("cpu").GetProperty("cores").GetInt32() >= 1);
        Assert.Equal(JsonValueKind.Array, root.GetProperty("cpu").GetProperty("instruction_sets").ValueKind);
        Assert.True(root.GetProperty("matmul_gflops").GetDouble() > 0);
        Assert.False(root.TryGetProperty("peer", out _), "no peer was asked for");

        var row = Assert.Single(root.GetProperty("rows").EnumerateArray());
        Assert.Equal("784-500-10", row.GetProperty("network").GetString());
        Assert.Equal(20, row.GetProperty("T1").GetInt32());
        Assert.Equal(4, row.GetProperty("T2").GetInt32());
        Assert.Equal(100, row.GetProperty("batch").GetInt32());
        Assert.Equal("batch", row.GetProperty("engine").GetString());
        Assert.Equal(1, row.GetProperty("threads").GetInt32());
        double samplesPerSecond = row.GetProperty("samples_per_second").GetDouble();
        Assert.True(samplesPerSecond > 0);
        Assert.Equal(60_000 / samplesPerSecond, row.GetProperty("seconds_per_epoch").GetDouble(), precision: 6);
        Assert.True(row.GetProperty("gflops").GetDouble() > 0);
        var shares = row.GetProperty("time_shares");
        string[] kinds = ["products", "element_wise", "residuals", "bookkeeping"];
        Assert.All(kinds, kind => Assert.True(shares.GetProperty(kind).GetDouble() >= 0, kind));
        Assert.Equal(1.0, kinds.Sum(kind => shares.GetProperty(kind).GetDouble()), precision: 6);
        Assert.True(shares.GetProperty("products").GetDouble() > 0, "the products were timed");
    }

    [Fact]
    public void JsonWithTheClusterEngineIsRefused()
    {
        var result = CliRunner.Run("bench", "--json", "--engine", "cluster");
        Assert.True(result.Thrown is null && result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("--json does not cover --engine cluster", result.Flat);
    }

    [Fact]
    public void AnUnknownPeerIsRefused()
    {
        var result = CliRunner.Run("bench", "--peer", "jax");
        Assert.True(result.Thrown is null && result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("'jax' is not a known peer", result.Flat);
    }
}

using System.Diagnostics;
using EqPropActors.Core.Kernels;

namespace EqPropActors.Cli.Tests;

/// <summary>
/// The same run on every kernel path gives the same bits. Each run is a process of its own, because the path is
/// chosen once per process: by EQPROP_KERNEL, or by what the runtime reports once DOTNET_EnableAVX512=0 or
/// DOTNET_EnableAVX2=0 take instruction sets away (the way a machine without them is seen). .NET 10 reads
/// DOTNET_EnableAVX512; DOTNET_EnableAVX512F is the name earlier runtimes read, run as well. On .NET 10,
/// DOTNET_EnableAVX2=0 also takes FMA3 away, which leaves the scalar path on x86.
/// </summary>
public sealed class KernelPathDeterminismTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static string EqpropAssembly => typeof(Program).Assembly.Location;

    /// <summary>Odd layer sizes (leftover rows and lanes in every kernel), momentum (the velocity update), a short run.</summary>
    private static readonly string[] SmallRun =
        ["--dataset", "synthetic", "--train-samples", "60", "--layers", "784,37,10", "--epochs", "2", "--batch-size", "20",
         "--T1", "12", "--T2", "3", "--momentum", "0.5", "--threads", "1"];

    [Fact]
    public void EveryPathAndEveryInstructionSetLimit_GivesTheSameWeightsAndMetrics()
    {
        var environments = KernelSelection.SupportedPaths()
            .Select(path => (Name: KernelSelection.Name(path), Variable: KernelSelection.EnvironmentVariable, Value: KernelSelection.Name(path)))
            .Append(("no AVX-512", "DOTNET_EnableAVX512", "0"))
            .Append(("no AVX-512F", "DOTNET_EnableAVX512F", "0"))
            .Append(("no AVX2", "DOTNET_EnableAVX2", "0"))
            .ToArray();
        Assert.True(environments.Length >= 3, "expected at least vector128 or scalar besides the two limits");

        string reference = "";
        foreach (var (name, variable, value) in environments)
        {
            string run = _directory.File(name.Replace(' ', '-'));
            var (exitCode, output) = RunEqprop(variable, value, ["train", .. SmallRun, "--out", run]);
            Assert.True(exitCode == 0, $"{name}: exit code {exitCode}\n{output}");
            if (variable == KernelSelection.EnvironmentVariable)
                Assert.Contains($"engine batch (kernel {value}, 1 thread)", output);
            if (variable is "DOTNET_EnableAVX512" or "DOTNET_EnableAVX2") // the limit took effect: another path ran
                Assert.DoesNotContain("(kernel avx512,", output);
            if (variable is "DOTNET_EnableAVX2")
                Assert.DoesNotContain("(kernel avx2,", output);
            if (reference.Length == 0)
            {
                reference = run;
                continue;
            }
            var expected = RunFolder.CheckpointWeights(reference);
            var actual = RunFolder.CheckpointWeights(run);
            Assert.True(expected.Keys.All(key => RunFolder.BitIdentical(expected[key], actual[key])),
                $"{name} differs from {Path.GetFileName(reference)}: {RunFolder.DescribeDifference(expected, actual)}");
            Assert.Equal(DeterminismTests.WithoutTimings(reference), DeterminismTests.WithoutTimings(run));
        }
    }

    [Fact]
    public void AnUnknownOrUnavailablePath_IsRefusedWithExitCode2()
    {
        var (exitCode, output) = RunEqprop(KernelSelection.EnvironmentVariable, "sse9", ["train", .. SmallRun]);
        Assert.Equal(2, exitCode);
        Assert.Contains("EQPROP_KERNEL='sse9' is not a kernel path; expected one of avx512, avx2, vector128, scalar", output);

        (exitCode, output) = RunEqprop(KernelSelection.EnvironmentVariable, "avx512", ["train", .. SmallRun], ("DOTNET_EnableAVX512", "0"));
        Assert.Equal(2, exitCode);
        Assert.Contains("EQPROP_KERNEL=avx512: this CPU (or the runtime's DOTNET_Enable* settings) does not support it", output);
    }

    private static (int ExitCode, string Output) RunEqprop(string variable, string value, string[] args, params (string, string)[] more)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in (string[])[EqpropAssembly, .. args])
            info.ArgumentList.Add(arg);
        info.Environment.Remove(KernelSelection.EnvironmentVariable);
        info.Environment[variable] = value;
        foreach (var (name, setting) in more)
            info.Environment[name] = setting;
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), $"eqprop {string.Join(' ', args)} did not finish");
        return (process.ExitCode, output + error.Result);
    }
}

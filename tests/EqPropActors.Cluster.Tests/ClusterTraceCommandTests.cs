using System.Diagnostics;
using System.Text.Json;
using EqPropActors.Cluster.Hosting;
using EqPropActors.Cluster.Tests.TestSupport;
using EqPropActors.Core.Checkpoints;
using EqPropActors.Core.Tracing;

namespace EqPropActors.Cluster.Tests;

/// <summary>
/// <c>eqprop trace RUN --cluster-config FILE</c> as a user runs it, every node a process of its own on 127.0.0.1: with
/// two workers up it writes the batch engine's trace files bit for bit; with a worker missing it stops within the
/// configured join-timeout with a message that names the file and says what to start.
/// </summary>
public sealed class ClusterTraceCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("eqprop-trace-command-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string File(string name) => Path.Combine(_directory, name);

    /// <summary>A one-epoch run with 2 groups per hidden layer, trained on the batch engine (its trace is the reference).</summary>
    private string TrainedRun()
    {
        string run = File("run");
        Eqprop.RunOk("train", "--dataset", "synthetic", "--train-samples", "200", "--layers", "784,16,12,10", "--groups-per-layer", "2",
            "--epochs", "1", "--batch-size", "20", "--T1", "12", "--T2", "3", "--out", run);
        return run;
    }

    private string CoordinatorConfig(int port, int expectedWorkers, string joinTimeout)
    {
        string path = File($"coordinator-{port}.conf");
        System.IO.File.WriteAllText(path, LocalWorkers.LoopbackCoordinatorConfig(port, expectedWorkers) + $"\neqprop.cluster.join-timeout = {joinTimeout}");
        return path;
    }

    [Fact]
    public void TracingOnTwoWorkersWritesTheBatchEnginesTraceBitForBit()
    {
        string run = TrainedRun();
        string batch = File("batch-trace"), cluster = File("cluster-trace");
        Eqprop.RunOk("trace", run, "--samples", "4", "--out", batch);
        int port = LocalWorkers.FreePort();
        using var workers = new LocalWorkers(LoopbackCluster.EqpropAssembly, LocalWorkers.LoopbackWorkerConfig, $"127.0.0.1:{port}", 2,
            TimeSpan.FromSeconds(60), waitUntilUp: false);

        // --cluster-config alone chooses the cluster engine.
        var traced = Eqprop.Run("trace", run, "--samples", "4", "--out", cluster, "--cluster-config", CoordinatorConfig(port, 2, "60s"));

        Assert.True(traced.ExitCode == 0, $"{traced}\nthe workers' output:\n{workers.Output}");
        Assert.Contains("trace: gathered the step records of 5 group(s) from 2 node(s)", traced.Output);
        using (var json = JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(cluster, TraceFiles.DescriptionFile))))
            Assert.Equal("cluster engine, sync schedule", json.RootElement.GetProperty("schedule").GetString());
        var expected = NpzArchive.Read(Path.Combine(batch, TraceFiles.ArraysFile));
        var actual = NpzArchive.Read(Path.Combine(cluster, TraceFiles.ArraysFile));
        Assert.Equal(expected.Arrays.Select(a => a.Name).Order(), actual.Arrays.Select(a => a.Name).Order());
        foreach (var array in expected.Arrays)
        {
            Assert.Equal(array.Shape, actual[array.Name].Shape);
            Assert.True(Bits(array).SequenceEqual(Bits(actual[array.Name])), $"{array.Name} differs between the batch engine and the cluster's sync schedule");
        }
    }

    [Fact]
    public void AMissingWorkerEndsTheTraceWithinTheJoinTimeoutNamingTheFileAndWhatToStart()
    {
        string run = TrainedRun();
        int port = LocalWorkers.FreePort();
        using var workers = new LocalWorkers(LoopbackCluster.EqpropAssembly, LocalWorkers.LoopbackWorkerConfig, $"127.0.0.1:{port}", 1,
            TimeSpan.FromSeconds(60), waitUntilUp: false);
        string config = CoordinatorConfig(port, expectedWorkers: 2, joinTimeout: "5s");
        var clock = Stopwatch.StartNew();

        var traced = Eqprop.Run("trace", run, "--samples", "2", "--out", File("trace"), "--engine", "cluster", "--cluster-config", config);

        Assert.True(traced.ExitCode == 1, traced.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(45), $"the trace took {clock.Elapsed.TotalSeconds:F0} s to give up on a missing worker");
        string flat = traced.Output.Replace("\n", "");
        Assert.Matches(@"waited 5 s for 2 worker\(s\) to start, [01] joined", flat); // the one started may not have joined yet
        Assert.Contains("start them with `eqprop node --config <worker file>`", flat);
        Assert.Contains(config, flat);
        Assert.Contains("--engine actors", flat);
        Assert.DoesNotContain("   at ", traced.Output); // a message, not a stack trace
        Assert.False(Directory.Exists(File("trace")), "a failed trace wrote its folder");
    }

    private static long[] Bits(NpyArray array) => array.DType switch
    {
        NpyDType.Float32 => array.AsFloat32().Select(v => (long)BitConverter.SingleToInt32Bits(v)).ToArray(),
        NpyDType.Float64 => array.AsFloat64().Select(BitConverter.DoubleToInt64Bits).ToArray(),
        NpyDType.Int32 => array.AsInt32().Select(v => (long)v).ToArray(),
        _ => array.AsInt64(),
    };

    /// <summary>The eqprop CLI as a process of its own (the coordinator of a trace must own its process's cluster node).</summary>
    private static class Eqprop
    {
        public sealed record Result(string[] Args, int ExitCode, string Output)
        {
            public override string ToString() => $"eqprop {string.Join(' ', Args)}\nexit code: {ExitCode}\noutput:\n{Output}";
        }

        public static Result RunOk(params string[] args)
        {
            var result = Run(args);
            Assert.True(result.ExitCode == 0, result.ToString());
            return result;
        }

        public static Result Run(params string[] args)
        {
            using var process = Process.Start(EqpropChildProcess.StartInfo(LoopbackCluster.EqpropAssembly, args))
                ?? throw new InvalidOperationException("could not start eqprop");
            var output = new List<string>();
            process.OutputDataReceived += (_, e) => Record(output, e.Data);
            process.ErrorDataReceived += (_, e) => Record(output, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                Assert.Fail($"eqprop {string.Join(' ', args)} did not end within 3 minutes; its output:\n{Joined(output)}");
            }
            process.WaitForExit(); // the output's last lines
            return new Result(args, process.ExitCode, Joined(output));
        }

        private static void Record(List<string> output, string? line)
        {
            if (line is null)
                return;
            lock (output)
                output.Add(line);
        }

        private static string Joined(List<string> output)
        {
            lock (output)
                return string.Join('\n', output);
        }
    }
}

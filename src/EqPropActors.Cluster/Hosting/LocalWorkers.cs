using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EqPropActors.Cluster.Hosting;

/// <summary>
/// Worker processes (eqprop node) on this machine, for benchmarks and tests: started with a worker configuration
/// and seed nodes, waited for until each says it is up, and killed (with their whole process tree) on dispose,
/// whatever happened in between.
/// </summary>
public sealed class LocalWorkers : IDisposable
{
    /// <summary>Workers on loopback, any free port; the seed node comes from the command line.</summary>
    public const string LoopbackWorkerConfig = "akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }";

    /// <summary>A coordinator on 127.0.0.1:<paramref name="port"/> that is its own seed node.</summary>
    public static string LoopbackCoordinatorConfig(int port, int expectedWorkers) => $$"""
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = {{port}} }
        akka.cluster.seed-nodes = ["akka.tcp://{{ClusterNodeConfig.SystemName}}@127.0.0.1:{{port}}"]
        eqprop.cluster { expected-workers = {{expectedWorkers}}, node-name = coordinator }
        """;

    /// <summary>Set for the workers this class starts: the id of the process they stop with (eqprop node watches it).</summary>
    public const string ParentProcessVariable = "EQPROP_PARENT_PID";

    private readonly List<Process> _processes = [];
    private readonly string _configFile;
    private readonly List<string> _output = [];

    /// <param name="eqpropAssembly">Path of eqprop.dll (run with the dotnet host).</param>
    /// <param name="workerConfig">HOCON of the workers' configuration file.</param>
    /// <param name="waitUntilUp">False when the coordinator is not running yet: the workers keep trying to join.</param>
    public LocalWorkers(string eqpropAssembly, string workerConfig, string seedNode, int count, TimeSpan startTimeout, bool waitUntilUp = true)
    {
        _configFile = Path.Combine(Path.GetTempPath(), $"eqprop-worker-{Guid.NewGuid():N}.conf");
        File.WriteAllText(_configFile, workerConfig);
        try
        {
            for (int i = 0; i < count; i++)
                Start(eqpropAssembly, seedNode, waitUntilUp ? startTimeout : null);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IReadOnlyList<Process> Processes
    {
        get
        {
            lock (_processes)
                return _processes.ToArray();
        }
    }

    /// <summary>Everything the workers wrote, for messages when something went wrong.</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return string.Join('\n', _output);
        }
    }

    /// <summary>Starts one more worker and waits until it is up (unless <paramref name="startTimeout"/> is null).</summary>
    public Process Start(string eqpropAssembly, string seedNode, TimeSpan? startTimeout)
    {
        var (process, up) = Launch(eqpropAssembly, seedNode);
        if (startTimeout is { } timeout && !up.Wait(timeout))
            throw new TimeoutException($"worker process {process.Id} did not come up within {timeout.TotalSeconds:F0} s; its output:\n{Output}");
        return process;
    }

    /// <summary>Starts one more worker without waiting for it: for one that is expected never to get in.</summary>
    public Process StartWithoutWaiting(string eqpropAssembly, string seedNode) => Launch(eqpropAssembly, seedNode).Process;

    private (Process Process, Task Up) Launch(string eqpropAssembly, string seedNode)
    {
        // Should this process die without disposing (a crashed test host), the worker follows instead of lingering.
        var info = EqpropChildProcess.StartInfo(eqpropAssembly, ["node", "--config", _configFile, "--seed-nodes", seedNode]);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start an eqprop node process");
        lock (_processes)
            _processes.Add(process);
        var up = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) => Record(e.Data, up);
        process.ErrorDataReceived += (_, e) => Record(e.Data, null);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, up.Task);
    }

    private void Record(string? line, TaskCompletionSource? up)
    {
        if (line is null)
            return;
        lock (_output)
            _output.Add(line);
        if (up is not null && line.StartsWith("node ", StringComparison.Ordinal) && line.Contains(" up at ", StringComparison.Ordinal))
            up.TrySetResult();
    }

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago (for a coordinator that must be its own seed).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Ctrl+C first (the worker leaves the cluster, so the coordinator does not log a failure), then kill
    /// whatever is still running after a few seconds.</summary>
    public void Dispose()
    {
        foreach (var process in Processes)
            ProcessSignals.Send(process, ProcessSignals.Interrupt);
        foreach (var process in Processes)
        {
            try
            {
                if (!process.WaitForExit(5000))
                    process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
            process.Dispose();
        }
        lock (_processes)
            _processes.Clear();
        File.Delete(_configFile);
    }
}

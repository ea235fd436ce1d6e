using System.ComponentModel;
using EqPropActors.Cli.Studies.Running;
using EqPropActors.Cluster.Hosting;
using EqPropActors.Cluster.Runs;
using EqPropActors.Core;
using Spectre.Console.Cli;

namespace EqPropActors.Cli.Commands;

public sealed class NodeSettings : CommandSettings
{
    [CommandOption("--config <FILE>")]
    [Description("This worker's cluster configuration, e.g. cluster-config/local-worker.conf (see cluster-config/README.md)")]
    public string? Config { get; init; }

    [CommandOption("--port <P>")]
    [Description("Port to listen on (overrides the file; 0 picks a free one)")]
    public int? Port { get; init; }

    [CommandOption("--seed-nodes <LIST>")]
    [Description("Comma-separated seed nodes, host:port (overrides the file), e.g. 127.0.0.1:4053")]
    public string? SeedNodes { get; init; }

    public override Spectre.Console.ValidationResult Validate() =>
        Config is null ? Spectre.Console.ValidationResult.Error("--config <FILE> is required: the worker's cluster configuration") : base.Validate();
}

/// <summary>
/// <c>eqprop node</c>: a worker of the cluster engine. It joins the cluster and hosts the groups a coordinator
/// places on it, or the whole runs a study coordinator hands it (<see cref="StudyRunHost"/>), until Ctrl+C (a graceful leave: the coordinator re-places its groups) or until the cluster
/// removes it.
/// </summary>
public sealed class NodeCommand : Command<NodeSettings>
{
    public override int Execute(CommandContext context, NodeSettings settings, CancellationToken cancellation)
    {
        string file = settings.Config!;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        ParentProcessWatch.StopWhenGone(stop, "node");
        cancellation = stop.Token;
        var seeds = settings.SeedNodes?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var config = ClusterNodeConfig.Load(file, NodeRole.Worker, settings.Port, seeds);
        for (int incarnation = 0; ; incarnation++)
        {
            using var node = ClusterNode.Start(config, file);
            node.System.ActorOf(CoordinatorDepartureWatch.Props(message => Console.Error.WriteLine($"node {node.Name}: {message}")), "eqprop-coordinator-watch");
            // Whole runs of a study whose coordinator runs elsewhere (eqprop study --cluster-config), one at a time.
            node.System.ActorOf(StudyRunHost.Props(node.Name, RunStudyChild(node.Name), message => Console.WriteLine($"node {node.Name}: {message}")),
                StudyRunHost.Name);
            if (!JoinCluster(node, rejoining: incarnation > 0, cancellation))
                return ExitCodes.Success;
            // One line a supervising script (or a test) can wait for.
            Console.WriteLine($"node {node.Name} up at {node.Cluster.SelfAddress}; hosting groups and study runs until Ctrl+C");
            int signalled = WaitHandle.WaitAny([((IAsyncResult)node.System.WhenTerminated).AsyncWaitHandle, cancellation.WaitHandle]);
            if (signalled == 1)
            {
                Console.WriteLine($"node {node.Name}: leaving the cluster");
                return ExitCodes.Success;
            }
            // Left with the coordinator, or downed (the split-brain resolver keeps the coordinator's side, and the
            // coordinator downs a worker it cannot reach). A fresh incarnation joins the next coordinator through
            // the same seed nodes.
            Console.Error.WriteLine($"node {node.Name}: no longer a member (the coordinator left or vanished, or this node was downed); joining again");
        }
    }

    /// <summary>A child of this node's eqprop, so that it stops by itself should this process die; its log says which node ran it.</summary>
    private static StudyRunHost.ChildRunner RunStudyChild(string nodeName) => (request, stop) =>
        EqpropProcess.RunAsync(request.Arguments, request.LogFile, stop, request.OutputFile.Length > 0 ? request.OutputFile : null,
            ranOn: $"node {nodeName}, process {Environment.ProcessId}");

    /// <summary>
    /// The first time, failing to join is an error; after a removal the node keeps trying until Ctrl+C. Ctrl+C or
    /// SIGTERM while waiting ends the wait at once: false, and the node exits 0 like a node that leaves when
    /// stopped (a stop asked for is not a failure; 130 is for a training run cut short).
    /// </summary>
    private static bool JoinCluster(ClusterNode node, bool rejoining, CancellationToken cancellation)
    {
        while (true)
        {
            try
            {
                if (node.WaitUntilUp(node.Settings.JoinTimeout, cancellation))
                    return true;
                Console.WriteLine($"node {node.Name}: stopped while waiting to {(rejoining ? "join the next coordinator" : "join the cluster")}");
                return false;
            }
            catch (ConfigurationException e) when (rejoining && !cancellation.IsCancellationRequested)
            {
                Console.Error.WriteLine($"node {node.Name}: {e.Message}; still trying");
            }
        }
    }
}

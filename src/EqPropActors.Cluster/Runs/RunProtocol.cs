using EqPropActors.Actors.Messages;

namespace EqPropActors.Cluster.Runs;

// Between a coordinator that hands out whole runs (eqprop study --cluster-config) and the StudyRunHost of each worker.
// One child at a time per worker; every request carries a job number so that late answers cannot be mistaken for
// those of a later job.

/// <summary>
/// Coordinator → a worker's <see cref="StudyRunHost"/>: run <c>eqprop Arguments</c> as a child of the worker's own
/// eqprop, appending what it prints to <paramref name="LogFile"/>; when <paramref name="OutputFile"/> is not empty,
/// the child's standard output goes there instead (written whole, only when it exits with 0). Paths are absolute
/// and must mean the same folder on every node (a shared file system). Replies: <see cref="EqpropRunAccepted"/> at
/// once, then <see cref="EqpropRunEnded"/>; or <see cref="EqpropRunRefused"/>.
/// </summary>
public sealed record RunEqprop(long Job, IReadOnlyList<string> Arguments, string LogFile, string OutputFile) : IEngineMessage;

/// <summary>The child of <paramref name="Job"/> has started on node <paramref name="NodeName"/>.</summary>
public sealed record EqpropRunAccepted(long Job, string NodeName) : IEngineMessage;

/// <summary>The host will not run <paramref name="Job"/> (it already runs one, or its child is still stopping).</summary>
public sealed record EqpropRunRefused(long Job, string Reason) : IEngineMessage;

/// <summary>
/// The child of <paramref name="Job"/> has ended with <paramref name="ExitCode"/>. <paramref name="StoppedForLeaving"/>:
/// the host stopped it (gently: a training run saves its checkpoint) because its node is leaving the cluster, so the
/// run is unfinished but nobody writes into its folder any more. <paramref name="Failure"/>: why no child could be
/// started ("" when one ran).
/// </summary>
public sealed record EqpropRunEnded(long Job, int ExitCode, bool StoppedForLeaving, string Failure) : IEngineMessage;

/// <summary>Coordinator → host: stop the child of <paramref name="Job"/> gently (SIGTERM); it answers with <see cref="EqpropRunEnded"/>.</summary>
public sealed record StopEqpropRun(long Job) : IEngineMessage;

/// <summary>
/// Coordinator → host: does <paramref name="Path"/> hold <paramref name="Contents"/> here too? The coordinator wrote
/// it into the study folder a moment ago; a worker that sees something else does not share that folder.
/// </summary>
public sealed record CheckSharedFile(string Path, string Contents) : IEngineMessage;

/// <summary>The answer to <see cref="CheckSharedFile"/>: <paramref name="Detail"/> says what was found when it was not seen.</summary>
public sealed record SharedFileChecked(string Path, bool Seen, string Detail) : IEngineMessage;

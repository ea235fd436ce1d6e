using System.ComponentModel;
using EqPropActors.Cli.Studies;
using EqPropActors.Cli.Studies.Report;
using EqPropActors.Cli.Studies.Running;
using EqPropActors.Cluster.Hosting;
using EqPropActors.Core;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EqPropActors.Cli.Commands;

public sealed class StudySettings : CommandSettings
{
    [CommandArgument(0, "<SPEC>")]
    [Description("The study's spec (TOML): seeds, the base train options, one table per condition (the first is the baseline), an optional grid; see docs/studies.md and studies/")]
    public string Spec { get; init; } = "";

    [CommandOption("--out <DIR>")]
    [Description("The study folder: runs/<condition>/seed-<k>/ run folders, runs.csv, summary.csv, plots/, report.md. Running the same command again continues it")]
    public string? Out { get; init; }

    [CommandOption("--jobs <N>")]
    [Description("Runs at once on this machine. Default: 1: every run already uses the cores, and concurrent runs change the timing the async schedule depends on; 2 gains a little for sync-only studies (docs/studies.md)")]
    public int Jobs { get; init; } = 1;

    [CommandOption("--cluster-config <FILE>")]
    [Description("Hand whole runs to the workers of a cluster (eqprop node), one per worker at a time, this process being the coordinator configured by FILE (e.g. cluster-config/local-coordinator.conf). DIR must be at the same absolute path on every worker (a shared file system); a lost worker's run resumes elsewhere from its checkpoint")]
    public string? ClusterConfig { get; init; }

    [CommandOption("--report-only")]
    [Description("Run nothing: write runs.csv, summary.csv, the plots and report.md from the runs finished so far")]
    public bool ReportOnly { get; init; }

    public override ValidationResult Validate() =>
        Out is null ? ValidationResult.Error("--out <DIR> is required: the study folder")
        : Jobs < 1 ? ValidationResult.Error($"--jobs must be at least 1, got {Jobs}")
        : Jobs > 1 && ClusterConfig is not null ? ValidationResult.Error("--jobs is for runs on this machine; with --cluster-config every worker runs one run at a time")
        : base.Validate();
}

/// <summary>
/// <c>eqprop study SPEC.toml --out DIR</c>: every condition of the spec with every seed, as ordinary run folders,
/// then the tables, plots and report that compare the conditions with the baseline seed by seed (science.md).
/// </summary>
public sealed class StudyCommand : Command<StudySettings>
{
    public override int Execute(CommandContext context, StudySettings settings, CancellationToken cancellation)
    {
        var spec = StudySpec.Load(settings.Spec);
        var study = StudyFolder.Open(settings.Out!, spec);
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]{spec.Title ?? Path.GetFileNameWithoutExtension(settings.Spec)}[/]: {spec.Conditions.Count} conditions × {spec.Seeds.Length} seeds in {study.Path}");
        bool finished = settings.ReportOnly || (settings.ClusterConfig is { } clusterConfig
            ? RunOnCluster(study, clusterConfig, cancellation)
            : StudyProgress.RunAsync(progress => new StudyRunner(study, settings.Jobs, progress).RunAsync(cancellation)).GetAwaiter().GetResult());

        RunsTable.Write(study);
        StudyReport.Write(study.Path, ReportContext(study, settings));
        var statuses = study.Runs.Select(r => (Run: r, Status: r.ReadStatus())).ToArray();
        AnsiConsole.MarkupLineInterpolated($"Report: {study.File("report.md")} (runs.csv, summary.csv, plots/)");
        if (!finished)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]Interrupted.[/] The same command continues the study: finished runs are kept, interrupted ones resume from their checkpoints.");
            return ExitCodes.Interrupted;
        }
        var failed = statuses.Where(s => s.Status is not (Core.Training.RunStatus.Completed or Core.Training.RunStatus.Diverged)).ToArray();
        if (failed.Length > 0 && !settings.ReportOnly)
        {
            AnsiConsole.MarkupLineInterpolated(
                $"[red]{failed.Length} run(s) did not finish[/]: {string.Join(", ", failed.Take(5).Select(f => f.Run.Describe()))}{(failed.Length > 5 ? ", ..." : "")}; their logs are in {study.File("logs")}. Running the same command again retries them.");
            return ExitCodes.Failure;
        }
        return ExitCodes.Success;
    }

    /// <summary>This process becomes the cluster's coordinator and hands the runs to its workers; it leaves the cluster
    /// at the end, and the workers with it (they rejoin the next coordinator by themselves).</summary>
    private static bool RunOnCluster(StudyFolder study, string clusterConfig, CancellationToken cancellation)
    {
        using var node = ClusterNode.Start(ClusterNodeConfig.Load(clusterConfig, NodeRole.Coordinator), clusterConfig);
        node.WaitUntilUp(node.Settings.JoinTimeout);
        return StudyProgress.RunAsync(progress => new ClusterStudyRunner(study, node, progress, line => progress.Notice($"cluster: {line}")).RunAsync(cancellation))
            .GetAwaiter().GetResult();
    }

    private static StudyReportContext ReportContext(StudyFolder study, StudySettings settings)
    {
        var spec = study.Spec;
        var baseline = spec.Baseline;
        string rule = baseline.Option("rule") ?? "vf";
        string layers = (baseline.Option("layers") ?? "784,500,10").Replace(',', '-');
        return new StudyReportContext
        {
            Title = spec.Title ?? Path.GetFileNameWithoutExtension(settings.Spec),
            SpecText = spec.SpecText,
            Command = $"eqprop study {settings.Spec} --out {settings.Out}" + (settings.Jobs > 1 ? $" --jobs {settings.Jobs}" : "")
                + (settings.ClusterConfig is { } cluster ? $" --cluster-config {cluster}" : ""),
            Machine = MachineDescription.Current(),
            Version = ProgramVersion.Informational,
            Date = DateTimeOffset.Now,
            BaselineCondition = baseline.Name,
            ConditionOrder = spec.Conditions.Select(c => c.Name).ToArray(),
            DataDescription = $"{baseline.Option("dataset") ?? "synthetic"}, {layers}, {rule} rule",
            Seeds = spec.Seeds,
        };
    }
}

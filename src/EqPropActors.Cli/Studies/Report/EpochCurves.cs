using EqPropActors.Core.Statistics;

namespace EqPropActors.Cli.Studies.Report;

/// <summary>A condition's curve of one metrics.csv column: per epoch, the summary over the runs that reached it.</summary>
public sealed record EpochCurve(string Condition, int[] Epochs, SampleSummary[] PerEpoch);

/// <summary>Reads the metrics.csv of the completed runs of a study and summarizes a column per epoch and condition.</summary>
public sealed class EpochCurves
{
    private readonly List<(string Condition, RunMetricsTable Metrics)> _runs;

    private EpochCurves(List<(string, RunMetricsTable)> runs) => _runs = runs;

    /// <summary>Completed runs only, as in the statistics; a completed run without its metrics.csv is an error, since its
    /// curve would silently be missing.</summary>
    public static EpochCurves Read(string studyDirectory, StudyRunsTable table)
    {
        var runs = new List<(string, RunMetricsTable)>();
        foreach (var run in table.Runs.Where(r => r.Status == StudyRunStatus.Completed))
        {
            if (run.RunDirectory.Length == 0)
                throw new InvalidDataException($"runs.csv: the completed run {run.Condition} seed {run.Seed} has no run_dir");
            string path = Path.Combine(studyDirectory, run.RunDirectory, "metrics.csv");
            if (!File.Exists(path))
                throw new FileNotFoundException($"the completed run {run.Condition} seed {run.Seed} has no metrics.csv at '{path}'", path);
            runs.Add((run.Condition, RunMetricsTable.Read(path)));
        }
        return new EpochCurves(runs);
    }

    /// <summary>Every column named angle_pair{k}_deg in any run, by k.</summary>
    public IReadOnlyList<int> AnglePairs() => PairsOf("angle_pair").ToArray();

    /// <summary>Every k of a probe_angle_pair{k}_deg column with a value in some run. metrics.csv has these columns in
    /// every run since the probe exists, empty unless the run had --probe-gradient-every.</summary>
    public IReadOnlyList<int> ProbeAnglePairs() => PairsOf(ProbeColumns.AnglePrefix).Where(k => HasValues(ProbeColumns.Angle(k))).ToArray();

    private IEnumerable<int> PairsOf(string prefix) =>
        _runs.SelectMany(r => r.Metrics.ColumnNames)
            .Select(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith("_deg", StringComparison.Ordinal)
                && int.TryParse(name[prefix.Length..^"_deg".Length], out int k) ? k : -1)
            .Where(k => k >= 0).Distinct().Order();

    /// <summary>Whether any run has at least one value in the column.</summary>
    public bool HasValues(string column) => _runs.Any(r => r.Metrics.Column(column)?.Any(double.IsFinite) == true);

    /// <summary>The condition's curve; epochs where no run has a value are left out.</summary>
    public EpochCurve Of(string condition, string column)
    {
        var valuesByEpoch = new SortedDictionary<int, List<double>>();
        foreach (var (_, metrics) in _runs.Where(r => r.Condition == condition))
        {
            if (metrics.Column(column) is not { } values)
                continue;
            for (int i = 0; i < values.Length; i++)
            {
                if (double.IsNaN(values[i]))
                    continue;
                if (!valuesByEpoch.TryGetValue(metrics.Epochs[i], out var list))
                    valuesByEpoch[metrics.Epochs[i]] = list = [];
                list.Add(values[i]);
            }
        }
        return new EpochCurve(condition, valuesByEpoch.Keys.ToArray(), valuesByEpoch.Values.Select(v => SampleSummary.Of(v)).ToArray());
    }
}

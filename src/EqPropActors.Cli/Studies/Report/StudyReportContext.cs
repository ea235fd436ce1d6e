namespace EqPropActors.Cli.Studies.Report;

/// <summary>What the report says about a study besides its numbers: where, when and how it was run (docs/science.md:
/// every measurement carries its date, machine, program version and the command that reproduces it).</summary>
public sealed record StudyReportContext
{
    public required string Title { get; init; }

    /// <summary>The study spec (TOML) as it was run.</summary>
    public required string SpecText { get; init; }

    /// <summary>The command that reruns the study.</summary>
    public required string Command { get; init; }

    /// <summary>One line: CPU, cores, instruction sets, .NET version (see <see cref="MachineDescription.Current"/>).</summary>
    public required string Machine { get; init; }

    public required string Version { get; init; }

    public required DateTimeOffset Date { get; init; }

    public required string BaselineCondition { get; init; }

    /// <summary>Condition names in spec order; tables and plots follow it.</summary>
    public required IReadOnlyList<string> ConditionOrder { get; init; }

    /// <summary>Data set, layers and rule, e.g. "fashion-mnist, 784-500-10, vf rule"; part of every plot title.</summary>
    public required string DataDescription { get; init; }

    /// <summary>The seeds every condition was meant to run; a seed without a row in runs.csv is reported as missing.</summary>
    public required int[] Seeds { get; init; }

    /// <summary>Per condition, the options it varies and their values, for the conditions table. Conditions not listed
    /// here take the option columns of runs.csv.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> ConditionOptions { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();
}

namespace EqPropActors.Cli.Studies;

/// <summary>
/// A study (<c>eqprop study SPEC.toml</c>): the same training under several conditions, each with the same seeds, so
/// that the conditions can be compared seed by seed. Parsed from TOML and expanded: every [[condition]] over [base],
/// at every point of the optional [grid].
/// </summary>
public sealed class StudySpec
{
    internal StudySpec(string specText, string? title, string? description, int[] seeds, bool gradcheck, int gradcheckRepeats,
        IReadOnlyList<StudyCondition> conditions)
    {
        SpecText = specText;
        Title = title;
        Description = description;
        Seeds = seeds;
        Gradcheck = gradcheck;
        GradcheckRepeats = gradcheckRepeats;
        Conditions = conditions;
        VariedOptions = FindVariedOptions(conditions);
        Fingerprint = StudyFingerprint.Compute(seeds, gradcheck, gradcheckRepeats, conditions);
    }

    public string? Title { get; }

    public string? Description { get; }

    /// <summary>The seeds every condition is run with, in the order given (seeds = n means 1..n).</summary>
    public int[] Seeds { get; }

    /// <summary>Whether each run also measures the angle between the trained estimator and the true gradient.</summary>
    public bool Gradcheck { get; }

    /// <summary>Minibatches the angle is measured over when <see cref="Gradcheck"/> is on.</summary>
    public int GradcheckRepeats { get; }

    /// <summary>The expanded conditions; the first is the baseline the others are compared with.</summary>
    public IReadOnlyList<StudyCondition> Conditions { get; }

    public StudyCondition Baseline => Conditions[0];

    /// <summary>The option names whose value differs between at least two conditions, in the order first seen.</summary>
    public IReadOnlyList<string> VariedOptions { get; }

    /// <summary>The spec exactly as read, to be kept with the study's results.</summary>
    public string SpecText { get; }

    /// <summary>
    /// SHA-256 (lowercase hex) of the seeds, the gradcheck settings and every condition's name and arguments: equal for
    /// specs that run the same runs, whatever their comments and layout.
    /// </summary>
    public string Fingerprint { get; }

    /// <summary>Parses and expands the spec <paramref name="text"/>; <paramref name="path"/> begins every error message.</summary>
    /// <exception cref="Core.ConfigurationException">The text is not valid TOML or not a valid spec.</exception>
    public static StudySpec Parse(string text, string path) => new StudySpecReader(path).Read(text);

    /// <summary>Reads, parses and expands the spec file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="Core.ConfigurationException">The file is not valid TOML or not a valid spec.</exception>
    public static StudySpec Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Study spec '{path}' not found", path);
        return Parse(File.ReadAllText(path), path);
    }

    private static string[] FindVariedOptions(IReadOnlyList<StudyCondition> conditions)
    {
        var firstSeen = conditions.SelectMany(c => c.Options).DistinctBy(o => o.Name).ToArray();
        return firstSeen
            .Where(option => conditions.Select(c => EffectiveValue(c, option)).Distinct().Count() > 1)
            .Select(option => option.Name)
            .ToArray();
    }

    /// <summary>The value <paramref name="condition"/> runs with; a flag it leaves out is off, the same as "false".</summary>
    private static string? EffectiveValue(StudyCondition condition, StudyOption option) =>
        condition.Option(option.Name) ?? (option.IsFlag ? "false" : null);
}

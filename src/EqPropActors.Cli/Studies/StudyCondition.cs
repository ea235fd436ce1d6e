namespace EqPropActors.Cli.Studies;

/// <summary>One condition of a study, fully expanded: the options every one of its runs is trained with.</summary>
public sealed class StudyCondition
{
    public StudyCondition(string name, string slug, IReadOnlyList<StudyOption> options)
    {
        Name = name;
        Slug = slug;
        Options = options;
    }

    /// <summary>The name as written in the spec, with the grid point appended (<c>async/delay=1,send-threshold=0.01</c>).</summary>
    public string Name { get; }

    /// <summary>A folder name for the condition: lowercase, only [a-z0-9._-], unique within its study.</summary>
    public string Slug { get; }

    /// <summary>The options in order: those of [base], then the condition's own, then the grid point's.</summary>
    public IReadOnlyList<StudyOption> Options { get; }

    /// <summary>The options as <c>eqprop train</c> arguments, in order (the runner adds --seed and --out).</summary>
    public IReadOnlyList<string> ToArguments() => Options.SelectMany(option => option.ToArguments()).ToArray();

    /// <summary>The value of option <paramref name="name"/> ("true"/"false" for a flag), or null when it is not set.</summary>
    public string? Option(string name) => Options.FirstOrDefault(option => option.Name == name)?.Value;

    public override string ToString() => $"{Name}: {string.Join(' ', ToArguments())}";
}

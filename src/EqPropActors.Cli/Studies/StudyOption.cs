namespace EqPropActors.Cli.Studies;

/// <summary>
/// One option of <c>eqprop train</c> as a condition sets it: <paramref name="Name"/> without <c>--</c>, the value as it
/// goes on the command line, and for a flag "true" or "false".
/// </summary>
public sealed record StudyOption(string Name, string Value, bool IsFlag)
{
    /// <summary>The command-line arguments: <c>--name value</c>, <c>--flag</c>, or <c>--flag false</c>. A flag set to false
    /// is passed as such, not left out: some flags (--third-phase) default to on for some settings.</summary>
    public IEnumerable<string> ToArguments()
    {
        if (!IsFlag)
            return [$"--{Name}", Value];
        return Value == "true" ? [$"--{Name}"] : [$"--{Name}", "false"];
    }
}

namespace EqPropActors.Core.Engines;

/// <summary>
/// How long a phase relaxes: a fixed number of steps (<c>--T1 40</c>), or until the state has settled (<c>--T1
/// auto</c>: every sample's residual within the tolerance), at most <see cref="AutoStepLimit"/> steps. An int
/// converts to a fixed length, so callers that always run fixed phases read as before.
/// </summary>
public readonly record struct PhaseLength(int Steps, bool UntilSettled)
{
    /// <summary>The most steps an automatic phase takes: far beyond any default (500 for 3 hidden layers), so a
    /// phase that stops there did not settle, and is counted as not converged.</summary>
    public const int AutoStepLimit = 2000;

    public static PhaseLength Auto { get; } = new(0, true);

    public int MaxSteps => UntilSettled ? AutoStepLimit : Steps;

    public static implicit operator PhaseLength(int steps) => new(steps, false);

    /// <summary>The command line's spelling: a number of steps, or "auto".</summary>
    public override string ToString() => UntilSettled ? "auto" : Steps.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Reads "auto" or a positive number of steps; null for anything else.</summary>
    public static PhaseLength? Parse(string text) =>
        string.Equals(text.Trim(), "auto", StringComparison.OrdinalIgnoreCase) ? Auto
        : int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int steps) && steps >= 1 ? new PhaseLength(steps, false)
        : null;
}

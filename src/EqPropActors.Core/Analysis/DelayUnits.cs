namespace EqPropActors.Core.Analysis;

/// <summary>Delays in time constants τ and in Euler steps of length dt (in units of τ).</summary>
public static class DelayUnits
{
    /// <summary>
    /// d = ⌈delay/dt⌉: the fewest whole steps that cover the delay, as the async schedule counts them (see
    /// <see cref="StepsIn"/> for a quotient that is a whole number up to rounding).
    /// </summary>
    public static int StepsFromTau(double delayTau, double dt)
    {
        if (!(delayTau >= 0) || !double.IsFinite(delayTau))
            throw new ArgumentOutOfRangeException(nameof(delayTau), delayTau, "a delay must be a finite number of τ, at least 0");
        if (!(dt > 0) || !double.IsFinite(dt))
            throw new ArgumentOutOfRangeException(nameof(dt), dt, "the Euler step must be positive and finite");
        double steps = Math.Ceiling(StepsIn(delayTau, dt));
        return steps <= int.MaxValue ? (int)steps : throw new ArgumentOutOfRangeException(nameof(delayTau), delayTau, $"{delayTau} τ is more steps of {dt} than can be counted");
    }

    /// <summary>
    /// <paramref name="time"/> (units of τ) in steps of <paramref name="dt"/>. dt is often a float (0.1f is not 0.1)
    /// and 1.0/0.1 is 10.000000000000002, so a time that is a whole number of steps as written comes out a hair off
    /// it; within a relative 1e-6 it is snapped to that whole number, so that the step at which a delayed message
    /// arrives, and the delay the stability estimate uses, do not depend on the rounding of dt.
    /// </summary>
    public static double StepsIn(double time, double dt)
    {
        double steps = time / dt;
        double whole = Math.Round(steps);
        return Math.Abs(steps - whole) <= 1e-6 * Math.Max(1, whole) ? whole : steps;
    }

    /// <summary>The delay d steps stand for, in τ.</summary>
    public static double TauFromSteps(int delaySteps, double dt) => delaySteps * dt;
}

namespace EqPropActors.Core.Analysis;

/// <summary>Delays in time constants τ and in Euler steps of length dt (in units of τ).</summary>
public static class DelayUnits
{
    /// <summary>
    /// d = ⌈delay/dt⌉: the fewest whole steps that cover the delay, as the async schedule counts them. The quotient is
    /// rounded to 9 decimal places first, so that 1.0/0.1 = 10.000000000000002 gives 10 steps, not 11.
    /// </summary>
    public static int StepsFromTau(double delayTau, double dt)
    {
        if (!(delayTau >= 0) || !double.IsFinite(delayTau))
            throw new ArgumentOutOfRangeException(nameof(delayTau), delayTau, "a delay must be a finite number of τ, at least 0");
        if (!(dt > 0) || !double.IsFinite(dt))
            throw new ArgumentOutOfRangeException(nameof(dt), dt, "the Euler step must be positive and finite");
        double steps = Math.Ceiling(Math.Round(delayTau / dt, 9, MidpointRounding.AwayFromZero));
        return steps <= int.MaxValue ? (int)steps : throw new ArgumentOutOfRangeException(nameof(delayTau), delayTau, $"{delayTau} τ is more steps of {dt} than can be counted");
    }

    /// <summary>The delay d steps stand for, in τ.</summary>
    public static double TauFromSteps(int delaySteps, double dt) => delaySteps * dt;
}

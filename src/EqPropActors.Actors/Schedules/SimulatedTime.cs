namespace EqPropActors.Actors.Schedules;

/// <summary>
/// Simulated time under the async schedule. Every group's clock counts its own steps, each the same time dt (in units
/// of the nominal time constant τ0), so a message's time stamp is its sender's step number and a time given in τ0 is
/// a (possibly fractional) number of steps.
/// </summary>
public static class SimulatedTime
{
    // Far beyond any phase's step budget, and small enough that the lead bound and history sizes built from it stay ints.
    private const int LongestMeaningfulDelay = int.MaxValue / 8;

    /// <summary>
    /// <paramref name="time"/> (units of τ0) in steps of <paramref name="dt"/>. dt is a float (0.1f is not 0.1), so a
    /// time that is a whole number of steps as written (0.3 at dt 0.1) comes out a hair off it; it is snapped to that
    /// whole number, so that the step at which a message arrives does not depend on the rounding of dt.
    /// </summary>
    public static double StepsIn(double time, float dt)
    {
        double steps = time / dt;
        double whole = Math.Round(steps);
        return Math.Abs(steps - whole) <= 1e-6 * Math.Max(1, whole) ? whole : steps;
    }

    /// <summary>The longest delay a message can have (delay plus the whole jitter), in whole steps rounded up.</summary>
    public static int LongestDelaySteps(ScheduleSettings schedule, float dt) =>
        (int)Math.Min(Math.Ceiling(StepsIn(schedule.Delay + schedule.Jitter, dt)), LongestMeaningfulDelay);
}

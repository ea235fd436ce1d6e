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

    /// <summary><paramref name="time"/> (units of τ0) in steps of <paramref name="dt"/>, snapped to a whole number
    /// when it is one up to the rounding of dt (the same conversion as the stability estimate's).</summary>
    public static double StepsIn(double time, float dt) => Core.Analysis.DelayUnits.StepsIn(time, dt);

    /// <summary>The longest delay a message can have (delay plus the whole jitter), in whole steps rounded up.</summary>
    public static int LongestDelaySteps(ScheduleSettings schedule, float dt) =>
        (int)Math.Min(Math.Ceiling(StepsIn(schedule.Delay + schedule.Jitter, dt)), LongestMeaningfulDelay);
}

using EqPropActors.Actors.Schedules;

namespace EqPropActors.Actors.Groups;

/// <summary>
/// A group's time constant τ_g (units of τ0, see <see cref="ScheduleSettings.TauSpread"/>): τ_g ds/dt = −s + drive, so
/// a tick of simulated time dt is an Euler step of dt/τ_g. Residuals stay comparable across groups: the length of a
/// step of dt/τ_g, times τ_g, is the length of the step dt would take at the same residual (the residual times dt).
/// </summary>
internal readonly record struct GroupTimeConstant(float Tau)
{
    public static GroupTimeConstant Of(ScheduleSettings schedule, int group) => new((float)schedule.TimeConstantOf(group));

    /// <summary>The Euler step of a tick of <paramref name="dt"/>: dt/τ_g (dt itself, to the bit, when τ_g = 1).</summary>
    public float StepOf(float dt) => Tau == 1f ? dt : dt / Tau;

    /// <summary>
    /// Squared lengths of steps of dt/τ_g as those of steps of dt at the same residual (×τ_g²), so that whoever divides
    /// their root by dt reads the residual, whatever the group's τ. Unchanged when τ_g = 1 (the sync schedule's bits).
    /// </summary>
    public void ToNominalSquaredSteps(Span<float> squaredSteps)
    {
        if (Tau == 1f)
            return;
        float scale = Tau * Tau;
        for (int i = 0; i < squaredSteps.Length; i++)
            squaredSteps[i] *= scale;
    }
}

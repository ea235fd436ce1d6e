using EqPropActors.Actors.Schedules;
using EqPropActors.Core.Randomness;
using MathNet.Numerics.Distributions;

namespace EqPropActors.Actors.Groups;

/// <summary>
/// Lossy and noisy channels from one group to its targets (async schedule): whether a message is lost, and the
/// Gaussian noise on the rates it carries. One random stream per sending group, derived from the run seed and the
/// group id, so a run's draws do not depend on how groups are placed.
/// </summary>
internal sealed class ChannelImperfections(ScheduleSettings schedule, int groupId)
{
    private readonly Random _random = SeedDerivation.Generator(schedule.Seed, "channel", groupId);

    public bool AnyNoise => schedule.NoiseStd > 0;

    public bool Loses() => schedule.DropProbability > 0 && _random.NextDouble() < schedule.DropProbability;

    /// <summary>Adds noise to the <paramref name="units"/> real units of each of <paramref name="rows"/> rows (the padding stays zero).</summary>
    public void AddNoise(Span<float> rates, int rows, int stride, int units)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = rates.Slice(r * stride, units);
            for (int j = 0; j < row.Length; j++)
                row[j] += (float)Normal.Sample(_random, 0, schedule.NoiseStd);
        }
    }
}

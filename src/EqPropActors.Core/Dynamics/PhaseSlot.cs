namespace EqPropActors.Core.Dynamics;

/// <summary>
/// Where a group keeps its states at the end of each phase. The order makes the two pairs that the symmetric rule
/// needs contiguous: (free, +β) for the one-sided and (+β, −β) for the centered estimate.
/// </summary>
public static class PhaseSlot
{
    public const int Free = 0;
    public const int Positive = 1;
    public const int Negative = 2;
    public const int Count = 3;
}

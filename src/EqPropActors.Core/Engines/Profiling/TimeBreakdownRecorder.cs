using System.Diagnostics;

namespace EqPropActors.Core.Engines.Profiling;

/// <summary>
/// Accumulates Stopwatch ticks per kind of work while a profiled engine runs. Only the engine's own thread writes
/// here: a two-core product is timed by the caller, which waits for its helper, so wall time is what is counted.
/// </summary>
public sealed class TimeBreakdownRecorder
{
    private long _stepStart, _productsAtStepStart;

    public long TotalTicks { get; private set; }
    public long ProductTicks { get; private set; }
    public long ElementWiseTicks { get; private set; }
    public long ResidualTicks { get; private set; }

    public TimeBreakdown Shares() => TimeBreakdown.FromTicks(TotalTicks, ProductTicks, ElementWiseTicks, ResidualTicks);

    public void Reset() => (TotalTicks, ProductTicks, ElementWiseTicks, ResidualTicks) = (0, 0, 0, 0);

    internal void AddTotal(long since) => TotalTicks += Stopwatch.GetTimestamp() - since;

    internal void AddProduct(long since) => ProductTicks += Stopwatch.GetTimestamp() - since;

    internal void AddResidual(long since) => ResidualTicks += Stopwatch.GetTimestamp() - since;

    /// <summary>Starts timing one synchronous step of every group (products and Euler steps interleave in it).</summary>
    internal void BeginStep()
    {
        _productsAtStepStart = ProductTicks;
        _stepStart = Stopwatch.GetTimestamp();
    }

    /// <summary>The step's time minus the products timed inside it is the element-wise work.</summary>
    internal void EndStep() =>
        ElementWiseTicks += Stopwatch.GetTimestamp() - _stepStart - (ProductTicks - _productsAtStepStart);
}

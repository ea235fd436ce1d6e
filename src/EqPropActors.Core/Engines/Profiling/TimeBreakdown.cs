namespace EqPropActors.Core.Engines.Profiling;

/// <summary>
/// Where a minibatch's time goes, as shares of the whole (they sum to 1): the dense products (relaxation drives,
/// the constant input drive and the learning rule's outer products), the element-wise Euler step, the residuals
/// (per-sample step norms, settling checks) and bookkeeping (everything else: starting a minibatch, phase-end
/// copies, the rule's postsynaptic factors, scoring).
/// </summary>
public sealed record TimeBreakdown(double Products, double ElementWise, double Residuals, double Bookkeeping)
{
    /// <summary>Shares from accumulated Stopwatch ticks; bookkeeping is what the total leaves over (never below 0).</summary>
    public static TimeBreakdown FromTicks(long total, long products, long elementWise, long residuals)
    {
        if (total <= 0)
            throw new ArgumentOutOfRangeException(nameof(total), total, "nothing was timed");
        long bookkeeping = Math.Max(0, total - products - elementWise - residuals);
        double whole = products + elementWise + residuals + bookkeeping;
        return new TimeBreakdown(products / whole, elementWise / whole, residuals / whole, bookkeeping / whole);
    }
}

namespace EqPropActors.Cluster.Tests.TestSupport;

/// <summary>
/// Signals this process ignores, as its children will: an ignored disposition survives exec. A shell without job
/// control starts background commands (`cmd &`) with SIGINT and SIGQUIT ignored, so a worker started from a test run
/// launched that way cannot be stopped with Ctrl+C at all.
/// </summary>
public static class InheritedSignals
{
    private const int SigInt = 2;

    public static bool InterruptIgnored => IsIgnored(SigInt);

    /// <summary>From the SigIgn mask of /proc/self/status (Linux); false where there is none.</summary>
    private static bool IsIgnored(int signal)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
            return false;
        string? mask = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))?[7..].Trim();
        return mask is not null && (Convert.ToUInt64(mask, 16) & (1UL << (signal - 1))) != 0;
    }
}

using System.Diagnostics;
using System.Runtime.InteropServices;

namespace EqPropActors.Cluster.Hosting;

/// <summary>Asks a process to stop gracefully, as Ctrl+C or a supervisor would (POSIX signals; Linux and macOS).</summary>
public static partial class ProcessSignals
{
    public const int Interrupt = 2;   // SIGINT, Ctrl+C
    public const int Terminate = 15;  // SIGTERM

    /// <summary>True when the signal was delivered; false on platforms without POSIX signals or when the process is gone.</summary>
    public static bool Send(Process process, int signal)
    {
        try
        {
            return !OperatingSystem.IsWindows() && !process.HasExited && Kill(process.Id, signal) == 0;
        }
        catch (InvalidOperationException)
        {
            return false; // the process has already gone
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}

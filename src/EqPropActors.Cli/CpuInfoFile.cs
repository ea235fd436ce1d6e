namespace EqPropActors.Cli;

/// <summary>Linux's /proc/cpuinfo, where the CPU's model name and flags are (read by bench and study reports).</summary>
internal static class CpuInfoFile
{
    private const string Path = "/proc/cpuinfo";

    /// <summary>The file's text; null on other systems or when it cannot be read (callers fall back on the runtime's view).</summary>
    public static string? Read()
    {
        try
        {
            return OperatingSystem.IsLinux() && File.Exists(Path) ? File.ReadAllText(Path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The first value of <paramref name="key"/> ("model name", "flags"), or null.</summary>
    public static string? First(string? cpuInfo, string key) =>
        (cpuInfo ?? "").Split('\n')
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2 && parts[0].Trim() == key)
            .Select(parts => parts[1].Trim())
            .FirstOrDefault();
}

using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace EqPropActors.Cli.Studies.Report;

/// <summary>The one-line machine description a measurement carries: CPU model, cores, vector instruction sets, OS, .NET.</summary>
public static class MachineDescription
{
    private const string CpuInfoPath = "/proc/cpuinfo";

    public static string Current()
    {
        string? cpuInfo = null;
        try
        {
            if (OperatingSystem.IsLinux() && File.Exists(CpuInfoPath))
                cpuInfo = File.ReadAllText(CpuInfoPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The runtime's own view below is still a usable description.
        }
        return Describe(cpuInfo, Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription);
    }

    /// <summary>From /proc/cpuinfo when there is one, otherwise from what the runtime reports about this process.</summary>
    internal static string Describe(string? cpuInfo, int cores, string operatingSystem, string framework)
    {
        string? model = null;
        string[]? flags = null;
        foreach (var line in (cpuInfo ?? "").Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon < 0)
                continue;
            string key = line[..colon].Trim(), value = line[(colon + 1)..].Trim();
            if (model is null && key == "model name")
                model = value;
            else if (flags is null && key == "flags")
                flags = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        model ??= RuntimeInformation.ProcessArchitecture.ToString();
        var instructionSets = flags is not null
            ? new[] { ("avx512f", "AVX-512F"), ("avx2", "AVX2"), ("fma", "FMA") }.Where(f => flags.Contains(f.Item1)).Select(f => f.Item2)
            : RuntimeInstructionSets();
        string sets = string.Join(' ', instructionSets);
        return $"{model}, {cores} cores, {(sets.Length == 0 ? "no AVX2/AVX-512/FMA" : sets)}, {operatingSystem}, {framework}";
    }

    private static IEnumerable<string> RuntimeInstructionSets()
    {
        if (Avx512F.IsSupported)
            yield return "AVX-512F";
        if (Avx2.IsSupported)
            yield return "AVX2";
        if (Fma.IsSupported)
            yield return "FMA";
    }
}

using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace EqPropActors.Cli.Studies.Report;

/// <summary>The one-line machine description a measurement carries: CPU model, cores, vector instruction sets, OS, .NET.</summary>
public static class MachineDescription
{
    public static string Current() =>
        Describe(CpuInfoFile.Read(), Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription);

    /// <summary>From /proc/cpuinfo when there is one, otherwise from what the runtime reports about this process.</summary>
    internal static string Describe(string? cpuInfo, int cores, string operatingSystem, string framework)
    {
        string model = CpuInfoFile.First(cpuInfo, "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        string[]? flags = CpuInfoFile.First(cpuInfo, "flags")?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
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

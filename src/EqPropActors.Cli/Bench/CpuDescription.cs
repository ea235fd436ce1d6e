using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EqPropActors.Cli.Bench;

/// <summary>
/// The CPU a measurement ran on: its model name, the vector instruction sets this process may use (as the runtime
/// sees them, so <c>DOTNET_EnableAVX512=0</c> shows as no avx512f), and the kernel path they (or EQPROP_KERNEL) chose.
/// </summary>
public sealed record CpuDescription(string Model, int Cores, IReadOnlyList<string> InstructionSets)
{
    /// <summary>The kernel path the products and the Euler step run on (avx512, avx2, vector128 or scalar).</summary>
    public string Kernel { get; } = Core.Kernels.KernelSelection.Name(Core.Kernels.DenseKernels.ActivePath);

    public static CpuDescription Current() => new(CpuInfoFile.First(CpuInfoFile.Read(), "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Environment.ProcessorCount, InstructionSetsInUse().ToArray());

    public override string ToString() =>
        $"{Model}, {Cores} cores, {(InstructionSets.Count == 0 ? "no avx512f/avx2/fma/neon" : string.Join(' ', InstructionSets))}, kernel {Kernel}";

    private static IEnumerable<string> InstructionSetsInUse()
    {
        if (Avx512F.IsSupported)
            yield return "avx512f";
        if (Avx2.IsSupported)
            yield return "avx2";
        if (Fma.IsSupported)
            yield return "fma";
        if (AdvSimd.IsSupported)
            yield return "neon";
    }
}

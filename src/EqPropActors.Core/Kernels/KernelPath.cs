using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EqPropActors.Core.Kernels;

/// <summary>The instruction set the dense kernels run on. All four give the same bits; they differ in speed only.</summary>
public enum KernelPath
{
    /// <summary>512-bit vectors, 32 registers (AVX-512F).</summary>
    Avx512,

    /// <summary>256-bit vectors with FMA3, 16 registers.</summary>
    Avx2,

    /// <summary>128-bit vectors with a fused multiply-add: x86 with FMA3, or ARM64 NEON (Apple silicon, Graviton).</summary>
    Vector128,

    /// <summary>One float at a time with MathF.FusedMultiplyAdd: any CPU.</summary>
    Scalar,
}

/// <summary>
/// Which <see cref="KernelPath"/>s this process can run, and which one it uses: the fastest supported, unless the
/// environment variable <see cref="EnvironmentVariable"/> names one (to compare paths, or to reproduce another
/// machine's speed). What the runtime reports counts, so DOTNET_EnableAVX512F=0 or DOTNET_EnableAVX2=0 remove paths.
/// </summary>
public static class KernelSelection
{
    public const string EnvironmentVariable = "EQPROP_KERNEL";

    private static readonly KernelPath[] FastestFirst = [KernelPath.Avx512, KernelPath.Avx2, KernelPath.Vector128, KernelPath.Scalar];

    /// <summary>The name used by <see cref="EnvironmentVariable"/> and in the train header: avx512, avx2, vector128, scalar.</summary>
    public static string Name(KernelPath path) => path.ToString().ToLowerInvariant();

    public static bool IsSupported(KernelPath path) => path switch
    {
        KernelPath.Avx512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported,
        KernelPath.Avx2 => Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported,
        // Without a hardware fused multiply-add the 128-bit path would emulate it element by element: slower than scalar.
        KernelPath.Vector128 => Vector128.IsHardwareAccelerated && (Fma.IsSupported || AdvSimd.IsSupported),
        KernelPath.Scalar => true,
        _ => false,
    };

    /// <summary>The paths this process can run, fastest first (scalar is always among them).</summary>
    public static IReadOnlyList<KernelPath> SupportedPaths() => FastestFirst.Where(IsSupported).ToArray();

    /// <summary>
    /// The path <see cref="EnvironmentVariable"/> asks for (its <paramref name="value"/>), or the fastest supported when
    /// it is unset or empty. A name that is unknown, or a path this process cannot run, is refused: running another
    /// path than the one asked for would make a comparison of paths silently compare nothing.
    /// </summary>
    public static KernelPath Resolve(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return SupportedPaths()[0];
        string supported = string.Join(", ", SupportedPaths().Select(Name));
        var named = FastestFirst.Where(p => string.Equals(Name(p), value.Trim(), StringComparison.OrdinalIgnoreCase)).ToArray();
        if (named.Length == 0)
            throw new ConfigurationException(
                $"{EnvironmentVariable}='{value}' is not a kernel path; expected one of {string.Join(", ", FastestFirst.Select(Name))} (supported here: {supported})");
        if (!IsSupported(named[0]))
            throw new ConfigurationException(
                $"{EnvironmentVariable}={Name(named[0])}: this CPU (or the runtime's DOTNET_Enable* settings) does not support it; supported here: {supported}");
        return named[0];
    }

    /// <summary><see cref="Resolve"/> applied to the process's environment.</summary>
    public static KernelPath FromEnvironment() => Resolve(Environment.GetEnvironmentVariable(EnvironmentVariable));
}

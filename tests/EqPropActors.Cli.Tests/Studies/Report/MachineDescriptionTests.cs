using EqPropActors.Cli.Studies.Report;

namespace EqPropActors.Cli.Tests.Studies.Report;

public sealed class MachineDescriptionTests
{
    private const string CpuInfo =
        "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz\n" +
        "flags\t\t: fpu sse sse2 avx fma avx2 avx512f avx512bw\n\nprocessor\t: 1\nmodel name\t: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz\n";

    [Fact]
    public void Describe_TakesTheModelAndTheVectorFlagsFromCpuInfo()
    {
        Assert.Equal("Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz, 2 cores, AVX-512F AVX2 FMA, Linux 6.8, .NET 10.0.0",
            MachineDescription.Describe(CpuInfo, 2, "Linux 6.8", ".NET 10.0.0"));
    }

    [Fact]
    public void Describe_SaysWhenTheCpuHasNoneOfTheVectorSets()
    {
        string description = MachineDescription.Describe("model name\t: Old CPU\nflags\t\t: fpu sse sse2\n", 4, "Linux", ".NET 10");

        Assert.Equal("Old CPU, 4 cores, no AVX2/AVX-512/FMA, Linux, .NET 10", description);
    }

    [Fact]
    public void Current_NamesTheDotNetVersion()
    {
        Assert.Contains(".NET", MachineDescription.Current());
    }
}

using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace EqPropActors.Benchmarks;

/// <summary>
/// Micro-benchmarks of the kernels and of one training minibatch of the batch engine.
/// </summary>
/// <remarks>
/// Run everything (about 3–4 minutes on 2 cores with the default "Modest" job: 1 launch, 3 warm-up, 10 measured iterations):
///   dotnet run -c Release --project bench/EqPropActors.Benchmarks -- --filter '*'
/// One class:
///   dotnet run -c Release --project bench/EqPropActors.Benchmarks -- --filter '*Kernel*'
///   dotnet run -c Release --project bench/EqPropActors.Benchmarks -- --filter '*Minibatch*'
/// Quicker, noisier run: BenchmarkDotNet's ShortRun (3 warm-up, 3 measured iterations) replaces the Modest job:
///   dotnet run -c Release --project bench/EqPropActors.Benchmarks -- --filter '*' --job short
/// Any other --job (dry, medium, long, ...) or --iterationCount etc. works the same way.
/// List the benchmarks without running them: --list flat. Reports land in BenchmarkDotNet.Artifacts/ (git-ignored).
/// </remarks>
public static class Program
{
    /// <summary>The job used when the command line names none (passing --job or -j replaces it).</summary>
    private static readonly Job Modest = Job.Default
        .WithLaunchCount(1)
        .WithWarmupCount(3)
        .WithIterationCount(10)
        .WithId("Modest");

    public static void Main(string[] args)
    {
        // A [SimpleJob] attribute or a job in the global config would run next to a --job from the command line,
        // not instead of it, so the modest default is added only when the command line chooses no job.
        bool jobOnCommandLine = args.Any(a => a is "--job" or "-j" || a.StartsWith("--job=", StringComparison.Ordinal));
        var config = jobOnCommandLine ? DefaultConfig.Instance : DefaultConfig.Instance.AddJob(Modest);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}

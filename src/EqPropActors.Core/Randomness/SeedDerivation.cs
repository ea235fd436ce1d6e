using System.Text;

namespace EqPropActors.Core.Randomness;

/// <summary>
/// Derives an independent seed for each named object from the run seed (as Nengo does), so that adding an object,
/// splitting a layer into groups or moving a group to another node never changes anyone else's random numbers.
/// </summary>
public static class SeedDerivation
{
    public static int Derive(int runSeed, string purpose, params int[] indices)
    {
        // FNV-1a over the purpose and indices, then SplitMix64 finalisation with the run seed mixed in:
        // stable across processes, platforms and .NET versions (string.GetHashCode is randomized per process).
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(purpose))
            hash = (hash ^ b) * 1099511628211UL;
        foreach (int index in indices)
            hash = (hash ^ (uint)index) * 1099511628211UL;
        ulong z = hash ^ ((ulong)(uint)runSeed * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }

    /// <summary>A seeded generator whose sequence does not depend on the .NET version (unlike System.Random).</summary>
    public static MathNet.Numerics.Random.Xoshiro256StarStar Generator(int runSeed, string purpose, params int[] indices) =>
        new(Derive(runSeed, purpose, indices), threadSafe: false);
}

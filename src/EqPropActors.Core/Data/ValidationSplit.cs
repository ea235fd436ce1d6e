using EqPropActors.Core.Randomness;

namespace EqPropActors.Core.Data;

/// <summary>
/// Holds a validation split out of a training set (--validation N): a stratified, seeded choice, so that model
/// selection never reads the test set. Each class gives its share of the N samples (its fraction of the training set,
/// rounded by largest remainder, ties to the lower class), chosen uniformly within the class by a generator seeded
/// with <see cref="Seed"/>: a fixed seed, independent of the run's --seed, so that every run and condition of a study
/// with the same training set and N holds out the same samples. The remaining training samples keep their order.
/// </summary>
public static class ValidationSplit
{
    /// <summary>The seed of the choice; changing it changes every study's validation set, so it never changes.</summary>
    public const int Seed = 20_181_808;

    public static (Dataset Train, Dataset Validation) HoldOut(Dataset train, int count)
    {
        if (count < 1 || count >= train.Count)
            throw new ConfigurationException($"--validation must be between 1 and {train.Count - 1} (the {train.Name} set has {train.Count} samples), but is {count}.");
        var held = ChooseIndices(train.Labels, train.ClassCount, count);
        var isHeld = new bool[train.Count];
        foreach (int i in held)
            isHeld[i] = true;
        var kept = Enumerable.Range(0, train.Count).Where(i => !isHeld[i]).ToArray();
        return (train.Select(kept, train.Name), train.Select(held, $"{train.Name} (validation)"));
    }

    /// <summary>The held-out sample indices, ascending.</summary>
    public static int[] ChooseIndices(ReadOnlySpan<byte> labels, int classCount, int count)
    {
        var byClass = new List<int>[classCount];
        for (int c = 0; c < classCount; c++)
            byClass[c] = [];
        for (int i = 0; i < labels.Length; i++)
            byClass[labels[i]].Add(i);

        // Largest-remainder quotas: floor(N·n_c/total), then one more for the largest remainders.
        var quotas = new int[classCount];
        var remainders = new (long Remainder, int Class)[classCount];
        for (int c = 0; c < classCount; c++)
        {
            long share = (long)count * byClass[c].Count;
            quotas[c] = (int)(share / labels.Length);
            remainders[c] = (share % labels.Length, c);
        }
        int left = count - quotas.Sum();
        foreach (var (_, c) in remainders.OrderByDescending(r => r.Remainder).ThenBy(r => r.Class).Take(left))
            quotas[c]++;

        var held = new List<int>(count);
        for (int c = 0; c < classCount; c++)
        {
            var members = byClass[c].ToArray();
            var random = SeedDerivation.Generator(Seed, "validation", c);
            // Partial Fisher–Yates: the first quota entries are a uniform choice without replacement.
            for (int i = 0; i < quotas[c]; i++)
            {
                int j = i + random.Next(members.Length - i);
                (members[i], members[j]) = (members[j], members[i]);
            }
            held.AddRange(members.Take(quotas[c]));
        }
        held.Sort();
        return [.. held];
    }
}

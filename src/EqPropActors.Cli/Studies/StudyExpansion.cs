namespace EqPropActors.Cli.Studies;

/// <summary>A [[condition]] table as written: its name and the options it sets over [base].</summary>
internal sealed record DeclaredCondition(string Name, IReadOnlyList<StudyOption> Options);

/// <summary>One key of [grid]: the option and the values it takes, in the order written.</summary>
internal sealed record GridAxis(string Name, IReadOnlyList<StudyOption> Values);

/// <summary>Combines [base], the declared conditions and the grid into the study's conditions.</summary>
internal static class StudyExpansion
{
    /// <summary>The condition that stands for [base] alone in a spec without [[condition]] tables.</summary>
    public const string ImplicitConditionName = "base";

    /// <summary>
    /// Every declared condition (or the implicit "base" one) at every grid point, conditions outermost; each gets
    /// [base] overridden by its own options and then by the grid point's.
    /// </summary>
    public static IReadOnlyList<StudyCondition> Expand(
        IReadOnlyList<StudyOption> baseOptions, IReadOnlyList<DeclaredCondition> declared, IReadOnlyList<GridAxis> grid)
    {
        IReadOnlyList<DeclaredCondition> conditions = declared.Count > 0 ? declared : [new DeclaredCondition(ImplicitConditionName, [])];
        var points = GridPoints(grid);
        var names = new List<string>();
        var slugs = new List<string>();
        var optionSets = new List<IReadOnlyList<StudyOption>>();
        foreach (var condition in conditions)
        {
            var own = Override(baseOptions, condition.Options);
            foreach (var point in points)
            {
                names.Add(point.Count == 0 ? condition.Name : $"{condition.Name}/{string.Join(',', point.Select(o => $"{o.Name}={o.Value}"))}");
                slugs.Add(ConditionSlugs.For(condition.Name, point));
                optionSets.Add(Override(own, point));
            }
        }
        var uniqueSlugs = ConditionSlugs.MakeUnique(slugs);
        return names.Select((name, i) => new StudyCondition(name, uniqueSlugs[i], optionSets[i])).ToArray();
    }

    /// <summary>
    /// The cartesian product of the grid's values, the last key varying fastest (as nested loops written in key order
    /// would); a spec without a grid has one point that sets nothing.
    /// </summary>
    internal static IReadOnlyList<IReadOnlyList<StudyOption>> GridPoints(IReadOnlyList<GridAxis> grid)
    {
        IReadOnlyList<IReadOnlyList<StudyOption>> points = [[]];
        foreach (var axis in grid)
            points = points.SelectMany(point => axis.Values.Select(value => (IReadOnlyList<StudyOption>)[.. point, value])).ToArray();
        return points;
    }

    /// <summary><paramref name="options"/> with each override replacing the option of its name in place, or appended.</summary>
    private static IReadOnlyList<StudyOption> Override(IReadOnlyList<StudyOption> options, IReadOnlyList<StudyOption> overrides)
    {
        var result = options.ToList();
        foreach (var option in overrides)
        {
            int index = result.FindIndex(existing => existing.Name == option.Name);
            if (index >= 0)
                result[index] = option;
            else
                result.Add(option);
        }
        return result;
    }
}

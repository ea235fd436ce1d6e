using System.Reflection;
using EqPropActors.Cli.Commands;
using Spectre.Console.Cli;

namespace EqPropActors.Cli.Studies;

/// <summary>What kind of value an option of <c>eqprop train</c> takes, as its settings property declares it.</summary>
internal enum TrainOptionKind
{
    /// <summary>A boolean: given (<c>--name</c>) or not.</summary>
    Flag,
    Integer,
    /// <summary>A floating-point number (an integer is accepted too).</summary>
    Number,
    /// <summary>Free text, including comma-separated lists such as <c>--lrs 0.1,0.05</c>.</summary>
    Text,
}

/// <summary>
/// The options a study spec may set: exactly those of <c>eqprop train</c>, read from <see cref="TrainSettings"/> so
/// that a new train option is usable in a spec without touching this code, minus the ones the study itself controls.
/// </summary>
internal static class TrainOptionCatalog
{
    /// <summary>Every long option name of <c>eqprop train</c> (without <c>--</c>) and the kind of value it takes.</summary>
    public static IReadOnlyDictionary<string, TrainOptionKind> TrainOptions { get; } = ReflectTrainOptions();

    /// <summary>Option names the study sets for each run itself, with the reason given to a spec that sets them.</summary>
    public static IReadOnlyDictionary<string, string> StudyControlled { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["out"] = "the study writes every run to its own folder inside the study folder",
        ["resume"] = "the study resumes its unfinished runs itself",
        ["config"] = "a study's runs are described by the spec alone",
        ["overwrite"] = "the study decides itself which runs are still to do",
        ["seed"] = "the study runs every condition with each seed: list them in the top-level 'seeds' (e.g. seeds = 5 or seeds = [1, 2, 7])",
    };

    /// <summary>The option names a spec may set, in declaration order.</summary>
    public static IReadOnlyList<string> SpecOptionNames { get; } =
        TrainOptions.Keys.Where(name => !StudyControlled.ContainsKey(name)).ToArray();

    private static Dictionary<string, TrainOptionKind> ReflectTrainOptions()
    {
        // Base-class options first, so that names come out in the order the help screen lists them.
        var properties = typeof(TrainSettings).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .OrderBy(property => InheritanceDepth(property.DeclaringType!));
        var options = new Dictionary<string, TrainOptionKind>(StringComparer.Ordinal);
        foreach (var property in properties)
        {
            var attribute = property.GetCustomAttribute<CommandOptionAttribute>(inherit: true);
            if (attribute is null)
                continue;
            foreach (var name in attribute.LongNames)
                options.Add(name, KindOf(property.PropertyType));
        }
        return options;
    }

    private static int InheritanceDepth(Type type)
    {
        int depth = 0;
        for (var current = type.BaseType; current is not null; current = current.BaseType)
            depth++;
        return depth;
    }

    private static TrainOptionKind KindOf(Type propertyType)
    {
        var type = Nullable.GetUnderlyingType(propertyType) ?? propertyType;
        if (type == typeof(bool))
            return TrainOptionKind.Flag;
        if (type == typeof(int) || type == typeof(long) || type == typeof(short))
            return TrainOptionKind.Integer;
        if (type == typeof(float) || type == typeof(double) || type == typeof(decimal))
            return TrainOptionKind.Number;
        return TrainOptionKind.Text;
    }
}

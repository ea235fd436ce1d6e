using EqPropActors.Core;
using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace EqPropActors.Cli.Studies;

/// <summary>
/// Reads a study spec's TOML and checks every key and value, so that a mistake is reported before hours of runs
/// rather than by the first run that reaches it. Every error message starts with the spec's path and names the table
/// and the key.
/// </summary>
internal sealed class StudySpecReader(string path)
{
    private const string TopLevel = "top level";
    private const string BaseTable = "[base]";
    private const string GridTable = "[grid]";
    private const int DefaultGradcheckRepeats = 5;

    // More seeds than this is a typo (seeds = 50000 for seeds = [5, 0, ...]) rather than a study anyone would run.
    private const int MaximumSeedCount = 10_000;

    private static readonly string[] TopLevelKeys =
        ["title", "description", "seeds", "gradcheck", "gradcheck-repeats", "base", "condition", "grid"];

    public StudySpec Read(string text)
    {
        var root = ParseToml(text);
        foreach (var key in root.Keys)
            if (!TopLevelKeys.Contains(key))
                throw UnknownTopLevelKey(key);
        var seeds = ReadSeeds(root);
        bool gradcheck = ReadGradcheck(root);
        int gradcheckRepeats = ReadGradcheckRepeats(root, gradcheck);
        var baseOptions = root.TryGetValue("base", out var baseValue)
            ? ReadOptions(TableOf(baseValue, "base", "[base] is a table of train options"), BaseTable, exceptKey: null)
            : [];
        var declared = ReadConditions(root);
        var grid = root.TryGetValue("grid", out var gridValue)
            ? ReadGrid(TableOf(gridValue, "grid", "[grid] is a table of lists, e.g. delay = [0, 0.5, 1]"))
            : [];
        foreach (var (condition, table) in declared)
            foreach (var axis in grid)
                if (condition.Options.Any(option => option.Name == axis.Name))
                    throw Error(table, $"'{axis.Name}' is set here and also varied by {GridTable}: set it in one of them only");
        var conditions = StudyExpansion.Expand(baseOptions, declared.Select(d => d.Condition).ToArray(), grid);
        return new StudySpec(text, ReadText(root, "title"), ReadText(root, "description"), seeds, gradcheck, gradcheckRepeats, conditions);
    }

    private TomlTable ParseToml(string text)
    {
        // The syntax tree reports every error with its position, and also what the model reader lets through
        // (a key or table defined twice).
        var document = SyntaxParser.Parse(text, path, validate: true);
        if (document.HasErrors)
        {
            var errors = document.Diagnostics.Where(d => d.Kind == DiagnosticMessageKind.Error)
                .Select(d => $"{path}: line {d.Span.Start.Line + 1}, column {d.Span.Start.Column + 1}: {d.Message}");
            throw new ConfigurationException(string.Join(Environment.NewLine, errors));
        }
        try
        {
            return TomlSerializer.Deserialize<TomlTable>(text, new TomlSerializerOptions { SourceName = path })
                ?? throw new ConfigurationException($"{path}: the file holds no TOML table");
        }
        catch (TomlException e)
        {
            throw new ConfigurationException($"{path}: {e.Message}");
        }
    }

    private ConfigurationException UnknownTopLevelKey(string key)
    {
        if (TrainOptionCatalog.TrainOptions.ContainsKey(key))
            return Error(TopLevel, $"'{key}' is an option of eqprop train: set it in [base], a [[condition]] or [grid]");
        return Error(TopLevel, $"unknown key '{key}'{Suggestion(key, TopLevelKeys)} (the top level holds {string.Join(", ", TopLevelKeys)})");
    }

    private int[] ReadSeeds(TomlTable root)
    {
        const string usage = "give the number of seeds (seeds = 5 means seeds 1 to 5) or the list of seeds (seeds = [1, 2, 7])";
        if (!root.TryGetValue("seeds", out var value))
            throw Error(TopLevel, $"'seeds' is missing: {usage}");
        switch (value)
        {
            case long count when count is >= 1 and <= MaximumSeedCount:
                return Enumerable.Range(1, (int)count).ToArray();
            case long count:
                throw Error(TopLevel, $"'seeds' = {count}: the number of seeds must be between 1 and {MaximumSeedCount}");
            case TomlArray list when list.Count == 0:
                throw Error(TopLevel, $"'seeds' is an empty list: {usage}");
            case TomlArray list:
                var seeds = new List<int>(list.Count);
                foreach (var element in list)
                {
                    // A negative seed would be read as an option on the command line (--seed -3).
                    if (element is not long seed || seed < 0 || seed > int.MaxValue)
                        throw Error(TopLevel, $"'seeds' lists {OptionValueConverter.Describe(element)}: a seed is an integer from 0 to {int.MaxValue}");
                    if (seeds.Contains((int)seed))
                        throw Error(TopLevel, $"'seeds' lists seed {seed} twice: the seeds must be distinct");
                    seeds.Add((int)seed);
                }
                return seeds.ToArray();
            default:
                throw Error(TopLevel, $"'seeds' is {OptionValueConverter.Describe(value)}: {usage}");
        }
    }

    private bool ReadGradcheck(TomlTable root)
    {
        if (!root.TryGetValue("gradcheck", out var value))
            return false;
        return value as bool? ?? throw Error(TopLevel, $"'gradcheck' is {OptionValueConverter.Describe(value)}: write gradcheck = true or false");
    }

    private int ReadGradcheckRepeats(TomlTable root, bool gradcheck)
    {
        if (!root.TryGetValue("gradcheck-repeats", out var value))
            return DefaultGradcheckRepeats;
        if (!gradcheck)
            throw Error(TopLevel, "'gradcheck-repeats' is set but 'gradcheck' is not true: set gradcheck = true to measure the angle, or remove gradcheck-repeats");
        if (value is not long repeats || repeats < 1 || repeats > int.MaxValue)
            throw Error(TopLevel, $"'gradcheck-repeats' is {OptionValueConverter.Describe(value)}: it must be an integer ≥ 1 (default {DefaultGradcheckRepeats})");
        return (int)repeats;
    }

    private string? ReadText(TomlTable root, string key)
    {
        if (!root.TryGetValue(key, out var value))
            return null;
        return value as string ?? throw Error(TopLevel, $"'{key}' is {OptionValueConverter.Describe(value)}: it must be a string");
    }

    /// <summary>The declared conditions with the table name each error about them quotes.</summary>
    private List<(DeclaredCondition Condition, string Table)> ReadConditions(TomlTable root)
    {
        var conditions = new List<(DeclaredCondition Condition, string Table)>();
        if (!root.TryGetValue("condition", out var value))
            return conditions;
        if (value is not TomlTableArray tables)
            throw Error(TopLevel, $"'condition' is {OptionValueConverter.Describe(value)}: write each condition as a [[condition]] table (double brackets: a list of tables)");
        for (int i = 0; i < tables.Count; i++)
        {
            int number = i + 1;
            var name = ReadConditionName(tables[i], $"[[condition]] {number}");
            var table = $"[[condition]] {number} (\"{name}\")";
            var previous = conditions.FindIndex(c => c.Condition.Name == name);
            if (previous >= 0)
                throw Error(table, $"the name \"{name}\" is already used by [[condition]] {previous + 1}: condition names must be unique");
            conditions.Add((new DeclaredCondition(name, ReadOptions(tables[i], table, exceptKey: "name")), table));
        }
        return conditions;
    }

    private string ReadConditionName(TomlTable condition, string table)
    {
        if (!condition.TryGetValue("name", out var value))
            throw Error(table, "'name' is missing: every condition needs a name (the first condition is the baseline)");
        if (value is not string name)
            throw Error(table, $"'name' is {OptionValueConverter.Describe(value)}: it must be a string");
        if (string.IsNullOrWhiteSpace(name))
            throw Error(table, "'name' is empty: every condition needs a name");
        return name;
    }

    /// <summary>The train options of <paramref name="options"/>, in the order written; <paramref name="exceptKey"/> is not an option.</summary>
    private List<StudyOption> ReadOptions(TomlTable options, string table, string? exceptKey)
    {
        var result = new List<StudyOption>();
        foreach (var (key, value) in options)
        {
            if (key == exceptKey)
                continue;
            var kind = OptionKind(key, table);
            if (!OptionValueConverter.TryConvert(key, kind, value, out var option, out var error))
                throw Error(table, error);
            result.Add(option);
        }
        return result;
    }

    private List<GridAxis> ReadGrid(TomlTable grid)
    {
        var axes = new List<GridAxis>();
        foreach (var (key, value) in grid)
        {
            var kind = OptionKind(key, GridTable);
            if (value is not TomlArray list)
                throw Error(GridTable, $"'{key}' is {OptionValueConverter.Describe(value)}: a grid key takes the list of values to try, e.g. {key} = [a, b]; a single value belongs in [base]");
            if (list.Count == 0)
                throw Error(GridTable, $"'{key}' is an empty list: a grid key needs at least one value");
            var values = new List<StudyOption>(list.Count);
            foreach (var element in list)
            {
                // A list element may itself be a list, for the options that take one (lrs = [[0.1, 0.05], [0.2, 0.1]]).
                if (!OptionValueConverter.TryConvert(key, kind, element, out var option, out var error))
                    throw Error(GridTable, error);
                if (values.Any(v => v.Value == option.Value))
                    throw Error(GridTable, $"'{key}' lists {option.Value} twice: grid values must be distinct");
                values.Add(option);
            }
            axes.Add(new GridAxis(key, values));
        }
        return axes;
    }

    private TrainOptionKind OptionKind(string key, string table)
    {
        if (TrainOptionCatalog.StudyControlled.TryGetValue(key, out var reason))
            throw Error(table, $"'{key}' cannot be set in a study: {reason}");
        if (!TrainOptionCatalog.TrainOptions.TryGetValue(key, out var kind))
            throw Error(table, $"unknown option '{key}'{Suggestion(key, TrainOptionCatalog.SpecOptionNames)} (a study sets options of eqprop train, without --)");
        return kind;
    }

    private TomlTable TableOf(object value, string key, string expected) =>
        value as TomlTable ?? throw Error(TopLevel, $"'{key}' is {OptionValueConverter.Describe(value)}: {expected}");

    private static string Suggestion(string key, IEnumerable<string> known) =>
        NameSuggestion.Closest(key, known) is { } closest ? $"; did you mean '{closest}'?" : "";

    private ConfigurationException Error(string table, string message) => new($"{path}: {table}: {message}");
}

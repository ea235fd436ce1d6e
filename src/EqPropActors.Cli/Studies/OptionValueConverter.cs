using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Tomlyn.Model;

namespace EqPropActors.Cli.Studies;

/// <summary>Turns a TOML value into the command-line value of an <c>eqprop train</c> option, checking its type.</summary>
internal static class OptionValueConverter
{
    /// <summary>
    /// Converts <paramref name="value"/> for option <paramref name="name"/>: strings as they are, numbers in the invariant
    /// culture (floats in their shortest round-trippable form), booleans to "true"/"false" for flags, arrays of scalars
    /// comma-joined. On failure <paramref name="error"/> says what is wrong, naming the option but not its table.
    /// </summary>
    public static bool TryConvert(string name, TrainOptionKind kind, object? value,
        [NotNullWhen(true)] out StudyOption? option, [NotNullWhen(false)] out string? error)
    {
        option = null;
        error = kind switch
        {
            TrainOptionKind.Flag => value is bool ? null : $"'{name}' is a flag: write {name} = true (given) or false (not given), not {Describe(value)}",
            _ when value is bool => $"'{name}' takes a value, not true/false (only flags such as 'random-sign' are booleans)",
            TrainOptionKind.Integer => value is long number
                ? number is >= int.MinValue and <= int.MaxValue ? null : $"'{name}' = {number} is out of range for an integer option"
                : $"'{name}' takes an integer, not {Describe(value)}",
            TrainOptionKind.Number => value is long or double ? null : $"'{name}' takes a number, not {Describe(value)}",
            _ => null,
        };
        if (error is not null)
            return false;
        var text = value switch
        {
            bool flag => flag ? "true" : "false",
            TomlArray list => JoinList(name, list, out error),
            _ => FormatScalar(name, value, out error),
        };
        if (text is null)
        {
            Debug.Assert(error is not null, "a value that cannot be formatted comes with its reason");
            return false;
        }
        option = new StudyOption(name, text, kind == TrainOptionKind.Flag);
        return true;
    }

    private static string? JoinList(string name, TomlArray list, out string? error)
    {
        if (list.Count == 0)
        {
            error = $"'{name}' is an empty list";
            return null;
        }
        var parts = new List<string>(list.Count);
        foreach (var element in list)
        {
            if (element is TomlArray or TomlTable or TomlTableArray or bool)
            {
                error = $"'{name}' is a nested list (it holds {Describe(element)}): an option's list holds numbers or strings, comma-joined on the command line";
                return null;
            }
            var part = FormatScalar(name, element, out error);
            if (part is null)
                return null;
            parts.Add(part);
        }
        error = null;
        return string.Join(',', parts);
    }

    private static string? FormatScalar(string name, object? value, out string? error)
    {
        error = null;
        switch (value)
        {
            case string text:
                return text;
            case long integer:
                return integer.ToString(CultureInfo.InvariantCulture);
            case double number when double.IsFinite(number):
                return number.ToString("R", CultureInfo.InvariantCulture);
            case double number:
                error = $"'{name}' = {number.ToString(CultureInfo.InvariantCulture)} is not a finite number";
                return null;
            default:
                error = $"'{name}' is {Describe(value)}, which is not an option value";
                return null;
        }
    }

    /// <summary>What a TOML value is, in words for an error message.</summary>
    internal static string Describe(object? value) => value switch
    {
        null => "empty",
        string text => $"the string \"{text}\"",
        long integer => $"the integer {integer.ToString(CultureInfo.InvariantCulture)}",
        double number => $"the number {number.ToString("R", CultureInfo.InvariantCulture)}",
        bool flag => flag ? "true" : "false",
        TomlArray => "a list",
        TomlTable => "a table",
        TomlTableArray => "an array of tables",
        _ => $"a {value.GetType().Name.Replace("Toml", "", StringComparison.Ordinal).ToLowerInvariant()}",
    };
}

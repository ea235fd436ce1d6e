using System.Globalization;

namespace EqPropActors.Core.Checkpoints;

internal sealed record NpyHeader(NpyDType DType, int[] Shape);

/// <summary>
/// Parses the Python dict literal of a .npy header, e.g.
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }</c>, followed by space padding and a newline.
/// Only the literal forms NumPy writes are accepted, and exactly the three keys NumPy requires.
/// </summary>
internal sealed class NpyHeaderParser
{
    private const string DescrKey = "descr";
    private const string FortranOrderKey = "fortran_order";
    private const string ShapeKey = "shape";

    private readonly string _text;
    private int _position;

    private NpyHeaderParser(string text) => _text = text;

    public static NpyHeader Parse(string text)
    {
        var values = new NpyHeaderParser(text).ParseDictionaryWithPadding();

        var descr = Require<string>(values, DescrKey, "a string");
        if (!NpyDTypeExtensions.TryParseDescr(descr, out var dtype))
        {
            var supported = string.Join(", ", Enum.GetValues<NpyDType>().Select(t => t.Descr()));
            throw new InvalidDataException($"dtype '{descr}' is not supported (supported: {supported})");
        }
        if (Require<bool>(values, FortranOrderKey, "True or False"))
        {
            throw new InvalidDataException("Fortran-order (column-major) arrays are not supported; save with C order");
        }
        return new NpyHeader(dtype, Require<int[]>(values, ShapeKey, "a tuple of integers"));
    }

    private static T Require<T>(Dictionary<string, object> values, string key, string expected) =>
        values.TryGetValue(key, out var value)
            ? value is T typed ? typed : throw new InvalidDataException($"header key '{key}' should be {expected}")
            : throw new InvalidDataException($"header has no '{key}' key");

    private Dictionary<string, object> ParseDictionaryWithPadding()
    {
        var values = new Dictionary<string, object>();
        Expect('{');
        while (true)
        {
            SkipSpaces();
            if (TryConsume('}'))
            {
                break;
            }
            var key = ParseString();
            if (key is not (DescrKey or FortranOrderKey or ShapeKey))
            {
                throw Problem($"unknown key '{key}'");
            }
            SkipSpaces();
            Expect(':');
            SkipSpaces();
            if (!values.TryAdd(key, ParseValue()))
            {
                throw Problem($"key '{key}' appears twice");
            }
            SkipSpaces();
            if (!TryConsume(',') && Peek() != '}')
            {
                throw Problem("expected ',' or '}'");
            }
        }
        SkipSpaces();
        if (_position != _text.Length - 1 || _text[_position] != '\n')
        {
            throw Problem("expected only space padding and a final newline after the dict");
        }
        return values;
    }

    private object ParseValue() => Peek() switch
    {
        '\'' => ParseString(),
        '(' => ParseIntTuple(),
        _ when TryConsumeWord("True") => true,
        _ when TryConsumeWord("False") => false,
        _ => throw Problem("expected a string, True, False or a tuple"),
    };

    private string ParseString()
    {
        Expect('\'');
        var end = _text.IndexOf('\'', _position);
        if (end < 0)
        {
            throw Problem("unterminated string");
        }
        var value = _text[_position..end];
        if (value.Contains('\\'))
        {
            throw Problem("escape sequences in strings are not supported");
        }
        _position = end + 1;
        return value;
    }

    private int[] ParseIntTuple()
    {
        Expect('(');
        var dimensions = new List<int>();
        var endedWithComma = false;
        while (true)
        {
            SkipSpaces();
            if (TryConsume(')'))
            {
                break;
            }
            dimensions.Add(ParseNonNegativeInt());
            SkipSpaces();
            endedWithComma = TryConsume(',');
            if (!endedWithComma && Peek() != ')')
            {
                throw Problem("expected ',' or ')' in the shape tuple");
            }
        }
        // In Python "(3)" is the number 3, not a tuple; NumPy rejects it as a shape too.
        if (dimensions.Count == 1 && !endedWithComma)
        {
            throw Problem("a one-dimensional shape needs a trailing comma, as in (3,)");
        }
        return [.. dimensions];
    }

    private int ParseNonNegativeInt()
    {
        var start = _position;
        while (_position < _text.Length && char.IsAsciiDigit(_text[_position]))
        {
            _position++;
        }
        if (start == _position)
        {
            throw Problem("expected a non-negative integer dimension");
        }
        if (!int.TryParse(_text.AsSpan(start, _position - start), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw Problem($"dimension {_text[start.._position]} is too large");
        }
        return value;
    }

    private bool TryConsumeWord(string word)
    {
        if (string.CompareOrdinal(_text, _position, word, 0, word.Length) != 0)
        {
            return false;
        }
        _position += word.Length;
        return true;
    }

    private void Expect(char expected)
    {
        if (!TryConsume(expected))
        {
            throw Problem($"expected '{expected}'");
        }
    }

    private bool TryConsume(char expected)
    {
        if (Peek() != expected)
        {
            return false;
        }
        _position++;
        return true;
    }

    private char? Peek() => _position < _text.Length ? _text[_position] : null;

    private void SkipSpaces()
    {
        while (Peek() == ' ')
        {
            _position++;
        }
    }

    private InvalidDataException Problem(string problem) =>
        new($"malformed header at character {_position} ({problem}): {_text.TrimEnd()}");
}

using System.Collections;
using System.Reflection;
using Akka.Actor;

namespace EqPropActors.Cluster.Tests.TestSupport;

/// <summary>
/// Compares two messages property by property, down through nested records, arrays, lists and dictionaries; floats
/// to the bit. Record equality alone would compare arrays by reference, and comparing re-serialized bytes passes a
/// field that both directions drop.
/// </summary>
public static class FieldByField
{
    /// <summary>The path of the first difference, e.g. "Setup.Schedule.Delay: 0.2 ≠ 0", or null when equal.</summary>
    /// <param name="ignored">Properties that are not part of the wire format (by name).</param>
    public static string? FirstDifference(object? expected, object? actual, IReadOnlySet<string>? ignored = null, string path = "")
    {
        ignored ??= new HashSet<string>();
        if (expected is null || actual is null)
            return expected is null && actual is null ? null : $"{Name(path)}: {Show(expected)} ≠ {Show(actual)}";
        // A list may come back as another collection type (an array for a collection expression): its elements count.
        bool collections = expected is IEnumerable and not string and not IDictionary && actual is IEnumerable and not string and not IDictionary;
        if (!collections && expected.GetType() != actual.GetType())
            return $"{Name(path)}: type {expected.GetType().Name} ≠ {actual.GetType().Name}";
        switch (expected)
        {
            case float e:
                return BitConverter.SingleToInt32Bits(e) == BitConverter.SingleToInt32Bits((float)actual) ? null : $"{Name(path)}: {e:R} ≠ {actual:R}";
            case double e:
                return BitConverter.DoubleToInt64Bits(e) == BitConverter.DoubleToInt64Bits((double)actual) ? null : $"{Name(path)}: {e:R} ≠ {actual:R}";
            case string or IActorRef or Enum or TimeSpan or DateTime or Guid:
            case var primitive when primitive.GetType().IsPrimitive:
                return expected.Equals(actual) ? null : $"{Name(path)}: {Show(expected)} ≠ {Show(actual)}";
            case IDictionary e:
                var a = (IDictionary)actual;
                if (e.Count != a.Count)
                    return $"{Name(path)}: {e.Count} entries ≠ {a.Count}";
                foreach (DictionaryEntry entry in e)
                    if (!a.Contains(entry.Key))
                        return $"{Name(path)}[{entry.Key}]: missing";
                    else if (FirstDifference(entry.Value, a[entry.Key], ignored, $"{path}[{entry.Key}]") is { } d)
                        return d;
                return null;
            case IEnumerable e:
                var left = e.Cast<object?>().ToList();
                var right = ((IEnumerable)actual).Cast<object?>().ToList();
                if (left.Count != right.Count)
                    return $"{Name(path)}: {left.Count} elements ≠ {right.Count}";
                for (int i = 0; i < left.Count; i++)
                    if (FirstDifference(left[i], right[i], ignored, $"{path}[{i}]") is { } d)
                        return d;
                return null;
        }
        var properties = expected.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract" && !ignored.Contains(p.Name)).ToList();
        if (properties.Count == 0)
            return null; // a message without fields (a singleton request)
        foreach (var property in properties)
            if (FirstDifference(property.GetValue(expected), property.GetValue(actual), ignored, path.Length == 0 ? property.Name : $"{path}.{property.Name}") is { } d)
                return d;
        return null;
    }

    private static string Name(string path) => path.Length == 0 ? "the message" : path;

    private static string Show(object? value) => value switch { null => "null", string s => $"\"{s}\"", _ => value.ToString() ?? "?" };
}

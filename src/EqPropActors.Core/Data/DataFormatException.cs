namespace EqPropActors.Core.Data;

/// <summary>
/// A data file exists but its content cannot be used. The message always names the file and the
/// problem, and the expected and found values when there are such, so that a person reading only the
/// message knows which file to replace and why.
/// </summary>
public sealed class DataFormatException : Exception
{
    public DataFormatException(string filePath, string problem, object? expected = null, object? found = null)
        : base(ComposeMessage(filePath, problem, expected, found))
    {
        FilePath = filePath;
        Problem = problem;
        Expected = expected;
        Found = found;
    }

    public DataFormatException(string filePath, string problem, Exception innerException)
        : base(ComposeMessage(filePath, problem, expected: null, found: null), innerException)
    {
        FilePath = filePath;
        Problem = problem;
    }

    public string FilePath { get; }

    public string Problem { get; }

    public object? Expected { get; }

    public object? Found { get; }

    private static string ComposeMessage(string filePath, string problem, object? expected, object? found)
    {
        var comparison = expected is null && found is null ? "" : $" (expected {expected}, found {found})";
        return $"Bad data file '{filePath}': {problem}{comparison}.";
    }
}

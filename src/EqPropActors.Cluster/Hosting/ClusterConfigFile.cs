using System.Text.RegularExpressions;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using ConfigurationException = EqPropActors.Core.ConfigurationException;

namespace EqPropActors.Cluster.Hosting;

/// <summary>
/// Reads a node's HOCON file with its <c>include "path"</c> statements: a relative path starts from the folder of the
/// file that includes it, an absolute one is taken as it is. Akka.NET's HOCON parser resolves includes only through
/// a callback (without one it fails with a NullReferenceException), and it knows only the quoted form: the
/// <c>file(…)</c>, <c>url(…)</c>, <c>classpath(…)</c> and <c>required(…)</c> forms of the HOCON specification are
/// refused here with the line that uses them, rather than misread.
/// </summary>
public static partial class ClusterConfigFile
{
    /// <summary>Deep enough for any sensible layering; a cycle is reported before this.</summary>
    private const int MaxIncludeDepth = 16;

    public static Config Parse(string path)
    {
        string fullPath = Path.GetFullPath(path);
        return ConfigurationFactory.ParseString(Read(fullPath, path), name => Include(fullPath, name, [fullPath]));
    }

    private static HoconRoot Include(string includingFile, string name, IReadOnlyList<string> chain)
    {
        string statement = $"{includingFile}: include \"{name}\"";
        if (name.Length == 0)
            throw new ConfigurationException($"{statement}: the included file's name is empty");
        string target = Path.GetFullPath(name, Path.GetDirectoryName(includingFile)!);
        if (!File.Exists(target))
            throw new ConfigurationException($"{statement}: {target} does not exist (a relative path starts from the including file's folder)");
        if (chain.Contains(target))
            throw new ConfigurationException($"{statement}: {target} includes itself ({string.Join(" → ", chain.Append(target))})");
        if (chain.Count >= MaxIncludeDepth)
            throw new ConfigurationException($"{statement}: includes nested more than {MaxIncludeDepth} deep");
        string text = Read(target, target);
        try
        {
            return Parser.Parse(text, nested => Include(target, nested, [.. chain, target]));
        }
        catch (Exception e) when (e is not ConfigurationException and not IOException)
        {
            throw new ConfigurationException($"{statement}: {target} is not valid HOCON: {e.Message}");
        }
    }

    /// <summary>The file's text, refused when it uses an include form Akka.NET's parser cannot read.</summary>
    private static string Read(string path, string name)
    {
        string text = File.ReadAllText(path);
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
            if (UnsupportedInclude().Match(lines[i]) is { Success: true } match)
                throw new ConfigurationException($"{name}, line {i + 1}: 'include {match.Groups[1].Value}(…)' is not supported by Akka.NET's HOCON parser: " +
                    "write include \"path\" (a relative path starts from this file's folder; an absolute one is taken as it is)");
        return text;
    }

    [GeneratedRegex(@"^\s*include\s+(file|url|classpath|required)\s*\(")]
    private static partial Regex UnsupportedInclude();
}

using System.Reflection;

namespace EqPropActors.Core;

/// <summary>
/// The program's version and the commit it was built from (the SDK appends "+&lt;commit&gt;" to the informational
/// version when it builds inside a git checkout), recorded with every run and study so a figure names its program.
/// </summary>
public static class ProgramVersion
{
    public static string Informational { get; } =
        typeof(ProgramVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The version without the commit ("1.0.0").</summary>
    public static string Version => Informational.Split('+')[0];

    /// <summary>The full commit hash, or null when the build did not know it.</summary>
    public static string? Commit => Informational.Split('+') is [_, var commit, ..] ? commit : null;
}

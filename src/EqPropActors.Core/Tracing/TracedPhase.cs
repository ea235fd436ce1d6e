namespace EqPropActors.Core.Tracing;

/// <summary>A phase of a recorded relaxation: its name ("free", "nudged", "nudged-negative"), its nudging β, and the
/// recorded steps it spans, [<paramref name="FirstStep"/>, <paramref name="FirstStep"/> + <paramref name="Steps"/>).</summary>
public sealed record TracedPhase(string Name, float Beta, int FirstStep, int Steps);

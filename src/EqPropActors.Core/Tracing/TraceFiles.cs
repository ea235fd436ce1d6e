using System.Text;
using System.Text.Json;
using EqPropActors.Core.Checkpoints;

namespace EqPropActors.Core.Tracing;

/// <summary>
/// A recorded relaxation as files: trace.npz with the arrays (numpy.load opens it) and trace.json saying what each
/// array holds, its shape and the phase boundaries, so that a trace can be read without this program.
/// Array names: per recorded group G ("L1G0": layer 1, group 0 of that layer) <c>G_state</c> and <c>G_rate</c>
/// [steps, samples, units] and <c>G_residual</c> [steps, samples]; then <c>phase_start</c>, <c>phase_steps</c>,
/// <c>phase_beta</c> [phases], <c>sample_index</c> and <c>label</c> [samples], and the scalar <c>dt</c>. A trace of the
/// async schedule adds per group its clock, views and messages (<c>G_step</c>, <c>G_step_time</c>, <c>G_view_step</c>,
/// <c>G_sent</c>, <c>G_received</c>, ...), and its groups may have recorded different numbers of steps.
/// </summary>
public static class TraceFiles
{
    public const string ArraysFile = "trace.npz";
    public const string DescriptionFile = "trace.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        // ρ, ‖ and β stay readable in the file instead of \u escapes.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(string directory, RelaxationTrace trace, TraceDescription description)
    {
        var arrays = Arrays(trace, description);
        NpzArchive.Write(Path.Combine(directory, ArraysFile), arrays.Select(a => a.Array));
        AtomicFile.WriteAllBytes(Path.Combine(directory, DescriptionFile), Encoding.UTF8.GetBytes(Describe(trace, description, arrays)));
    }

    private sealed record DescribedArray(NpyArray Array, string Content);

    private static List<DescribedArray> Arrays(RelaxationTrace trace, TraceDescription description)
    {
        int samples = trace.Samples, phases = trace.Phases.Count;
        var arrays = new List<DescribedArray>();
        // Every group's wall times count from the first event any group recorded, so their timelines line up.
        long origin = trace.ClockOrigin;
        foreach (var group in trace.Groups)
        {
            string g = group.Spec.Name;
            int steps = group.Steps; // the same for every group but under the async schedule
            string units = $"units {group.Spec.Offset}..{group.Spec.Offset + group.Units - 1} of layer {group.Spec.Layer}";
            arrays.Add(new(new NpyArray($"{g}_state", [steps, samples, group.Units], group.States()),
                $"state s of {g} ({units}) after each step, per probe sample"));
            arrays.Add(new(new NpyArray($"{g}_rate", [steps, samples, group.Units], group.Rates()),
                $"rate ρ(s) of {g} after each step (what its neighbours read)"));
            arrays.Add(new(new NpyArray($"{g}_residual", [steps, samples], group.Residuals()),
                $"residual ‖s_t − s_(t−1)‖/dt of {g} over its units, per step and sample (the quantity --tolerance judges)" +
                (group.Clock is null ? "" : "; async: divided by the group's step length dt/τ_g, as its rest is judged")));
            if (group.Clock is { } clock)
                arrays.AddRange(ClockArrays(g, group, clock, origin));
        }
        arrays.Add(new(new NpyArray("phase_start", [phases], trace.Phases.Select(p => p.FirstStep).ToArray()),
            "index of each phase's first step, in the order of phase_name in trace.json"));
        arrays.Add(new(new NpyArray("phase_steps", [phases], trace.Phases.Select(p => p.Steps).ToArray()),
            "steps each phase took"));
        arrays.Add(new(new NpyArray("phase_beta", [phases], trace.Phases.Select(p => p.Beta).ToArray()),
            "nudging β of each phase (0: free)"));
        arrays.Add(new(new NpyArray("sample_index", [samples], description.SampleIndices.ToArray()),
            $"index of each probe sample in the {description.ProbeSet} set"));
        arrays.Add(new(new NpyArray("label", [samples], description.Labels.ToArray()),
            "class of each probe sample: the output unit the nudge pulls towards 1 (the others towards 0)"));
        arrays.Add(new(NpyArray.Scalar("dt", description.Dt), "Euler step ε of the relaxation"));
        return arrays;
    }

    /// <summary>The async schedule's per-group clock: what each step integrated and when, and the messages.</summary>
    private static IEnumerable<DescribedArray> ClockArrays(string g, GroupTrace group, GroupClockTrace clock, long origin)
    {
        int steps = clock.Steps, sources = clock.SourceIds.Count;
        string sourceNames = string.Join(", ", clock.SourceIds);
        yield return new(new NpyArray($"{g}_step", [steps], clock.Clocks()),
            $"async: {g}'s clock (its step count in the phase) when it took each recorded step; it jumps where {g} woke from rest. Row t of {g}_state is the state after that step");
        yield return new(new NpyArray($"{g}_step_phase", [steps], Enumerable.Range(0, group.Steps).Select(group.PhaseOf).ToArray()),
            "async: the phase index of each recorded step (in the order of phase_name)");
        yield return new(new NpyArray($"{g}_step_time", [steps], clock.StepSeconds(origin)),
            "async: wall time of each step in seconds, from the first event any traced group recorded (monotonic clock)");
        yield return new(new NpyArray($"{g}_view_source", [sources], clock.SourceIds.ToArray()),
            $"async: group ids of {g}'s sources, the columns of {g}_view_step (ids as in trace.json's groups; 0 is the clamped input)");
        yield return new(new NpyArray($"{g}_view_step", [steps, sources], clock.ViewSteps()),
            $"async: per step and source, the sender's step of the view the step integrated; staleness = {g}_step − {g}_view_step (sources {sourceNames})");
        yield return new(new NpyArray($"{g}_sent", [clock.SentCount, 3], Rows(clock.SentSeconds(origin), clock.SentPhases(), clock.SentSteps())),
            $"async: one row per activity {g} sent to all its targets: wall time in seconds, phase index, the step it was the state of (0: the phase's initial state)");
        yield return new(new NpyArray($"{g}_received", [clock.ReceivedCount, 4],
                Rows(clock.ReceivedSeconds(origin), clock.ReceivedPhases(), clock.ReceivedSources(), clock.ReceivedSteps())),
            $"async: one row per activity {g} received (with a payload; lost ones are not): wall time in seconds, phase index, sender's group id, sender's step");
    }

    /// <summary>Columns side by side as a row-major [rows, columns] float64 array (ids and steps are exact in float64).</summary>
    private static double[] Rows(double[] first, params int[][] rest)
    {
        int columns = 1 + rest.Length;
        var rows = new double[first.Length * columns];
        for (int r = 0; r < first.Length; r++)
        {
            rows[r * columns] = first[r];
            for (int c = 0; c < rest.Length; c++)
                rows[r * columns + 1 + c] = rest[c][r];
        }
        return rows;
    }

    private static string Describe(RelaxationTrace trace, TraceDescription description, List<DescribedArray> arrays) =>
        JsonSerializer.Serialize(new
        {
            run = description.Run,
            checkpoint = description.Checkpoint,
            epoch = description.Epoch,
            probe_set = description.ProbeSet,
            samples = trace.Samples,
            steps = trace.Steps,
            dt = description.Dt,
            tolerance = description.Tolerance,
            phase_name = trace.Phases.Select(p => p.Name).ToArray(),
            phases = trace.Phases.Select(p => new { name = p.Name, beta = p.Beta, first_step = p.FirstStep, steps = p.Steps }).ToArray(),
            schedule = description.Schedule,
            groups = trace.Groups.Select(g => new { name = g.Spec.Name, id = g.Spec.Id, layer = g.Spec.Layer, first_unit = g.Spec.Offset, units = g.Units, steps = g.Steps }).ToArray(),
            arrays = arrays.ToDictionary(a => a.Array.Name, a => new
            {
                shape = a.Array.Shape,
                dtype = a.Array.DType.ToString().ToLowerInvariant(),
                content = a.Content,
            }),
        }, Json);
}
